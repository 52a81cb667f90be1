// Anything thrown, as text for the user: `errorMessage` for the one line the journal and the user
// see, `plainErrorMessage` where every line of the message matters (multi-line refusals, API replies).

const JS_ERRORS = new Set([
  "TypeError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "EvalError",
  "URIError",
]);

/**
 * The first line of the message (one line for the journal), or with `whole` every line: a refusal
 * that lists its reasons (RBAC rules, guard violations, bad inputs) is read whole.
 */
export function errorMessage(error: unknown, options: { whole?: boolean } = {}): string {
  if (error instanceof Error) {
    const text = options.whole ? error.message.trim() : error.message.split("\n")[0]!.trim();
    const message = text || error.name;
    // JavaScript's own error types say little without their name ("Cannot read properties of undefined").
    return JS_ERRORS.has(error.name) ? `${error.name}: ${message}` : message;
  }
  return String(error);
}

/** The message exactly as thrown, every line of it; anything that is not an Error as a string. */
export function plainErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
