// `chaos-action` for people and scripts: parse the command line, answer `--help` and `--version`
// here, and hand any other command to commands.ts. That module (and through it the pipeline, the
// report, the experiment schemas) loads only for a command that uses it, so the usage, the version
// and a bad flag answer after loading the argument parser and the help text alone.
import packageJson from "../../package.json" with { type: "json" };
import { type Command, parseCommandLine, UsageError, usageOf } from "./args.ts";
import { type CliIo, outputFor, printUsageError } from "./output.ts";

export type { CliIo } from "./output.ts";

/** Runs the CLI; never throws: every error becomes a message and an exit status. */
export async function main(argv: readonly string[], given: CliIo): Promise<number> {
  // Nothing secret is known before a command runs: the command line alone is printed unscrubbed.
  const io = outputFor(given, (text) => text);
  let command: Command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) return (await import("./commands.ts")).reportFailure(error, io);
    // Before anything started.
    return printUsageError(error, io);
  }
  switch (command.command) {
    case "help":
      io.stdout(usageOf(command.topic));
      return 0;
    case "version":
      io.stdout(packageJson.version);
      return 0;
    default:
      return (await import("./commands.ts")).runCommand(command, given);
  }
}
