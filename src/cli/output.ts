// What the CLI prints on: the given io with a scrubber applied to everything printed, no line a CI
// runner would read as a workflow command (common/workflow-commands.ts) and, on a
// terminal, colour (per NO_COLOR/FORCE_COLOR) and a live pause line that the next printed line replaces.
import { inertCommands } from "../common/workflow-commands.ts";
import type { UsageError } from "./args.ts";
import {
  colourEnabled,
  countdown,
  paintLine,
  realTicker,
  StatusLine,
  type TerminalStream,
  type Ticker,
} from "./terminal.ts";

/** The streams, directory, environment and signals the CLI works with. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Subscribes to SIGINT/SIGTERM; returns the unsubscribe. */
  onSignal: (handler: (signal: NodeJS.Signals) => void) => () => void;
  /** stderr as a stream: colour and the live pause line when it is a terminal (absent: neither). */
  terminal?: TerminalStream;
  /** Ticks the live pause line (default: real time). */
  ticker?: Ticker;
}

/** What the CLI prints on: stderr lines, and on a terminal a live line for pauses. */
export interface Output extends CliIo {
  /** On a terminal, counts a pause down in place; elsewhere undefined (the pause gets one line). */
  countdown?: (seconds: number, label: string) => void;
}

/** `redact` scrubs secrets from a text before it is printed. */
export function outputFor(given: CliIo, redact: (text: string) => string): Output {
  const colour = colourEnabled(given.terminal?.isTTY ?? false, given.env);
  const status = given.terminal?.isTTY ? new StatusLine(given.terminal) : undefined;
  let stopCountdown: (() => void) | undefined;
  const settle = () => {
    stopCountdown?.();
    stopCountdown = undefined;
  };
  const paintText = (text: string) => (colour ? text.split("\n").map(paintLine).join("\n") : text);
  return {
    ...given,
    stdout: (text) => {
      settle();
      given.stdout(inertCommands(redact(text)));
    },
    stderr: (text) => {
      settle();
      given.stderr(paintText(inertCommands(redact(text))));
    },
    ...(status
      ? {
          countdown: (seconds: number, label: string) => {
            settle();
            const stop = countdown(status, seconds, label, given.ticker ?? realTicker);
            stopCountdown = stop;
          },
        }
      : {}),
  };
}

/** Every problem of the command line at once, and where to read the usage: exit status 2. */
export function printUsageError(error: UsageError, io: Pick<CliIo, "stderr">): number {
  for (const problem of error.problems) io.stderr(`error: ${problem}`);
  io.stderr("Run 'chaos-action --help' for usage.");
  return 2;
}
