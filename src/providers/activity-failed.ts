/**
 * An activity did not do its job (connection refused, timeout, non-matching status, a native function
 * that gave up). The engine records its message, a single line written for the user, as the
 * activity's `exception`, and `output` (when there was one, e.g. the response that had the wrong
 * status) as its output.
 */
export class ActivityFailed extends Error {
  override name = "ActivityFailed";
  readonly output: unknown;

  constructor(message: string, options: { output?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.output = options.output ?? null;
  }
}
