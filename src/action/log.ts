// The action's plain log lines, each made inert to workflow commands (common/workflow-commands.ts).
// Annotations (core.warning, core.error) are safe: the toolkit escapes their line breaks.
import * as core from "@actions/core";
import { inertCommands } from "../common/workflow-commands.ts";

/** core.info for text that may come from users: it can never be read as a workflow command. */
export function info(text: string): void {
  core.info(inertCommands(text));
}
