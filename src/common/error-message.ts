// Anything thrown, as the text the journal and the user see: no stack frames of ours.

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
