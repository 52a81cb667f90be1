// What an error that stopped a run before any verdict means: bad input (exit 2) or a failure (exit 1).
// Apart from verdict.ts so that what needs only verdicts (the webhook, the CLI's flag checks) does not
// load even the one error type it asks about.
import { ConnectionError } from "../kubernetes/connection-error.ts";

/** Errors that mean the run's input is wrong (exit 2), not that the cluster or the experiment failed. */
export function isInputError(error: unknown): boolean {
  return error instanceof ConnectionError;
}

/** The exit status of a command that stopped with an error before producing a verdict. */
export function exitCodeOfError(error: unknown): 1 | 2 {
  return isInputError(error) ? 2 : 1;
}
