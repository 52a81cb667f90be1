// How a run tells its entry point what is happening: the CLI prints it, the action logs it.
import type { RunEvent } from "../engine/events.ts";

export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Live progress of a run. */
  event?(event: RunEvent, file: string): void;
}
