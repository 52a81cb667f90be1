// Anything thrown, as the one line the journal and the user see: no stack frames of ours.

const JS_ERRORS = new Set([
  "TypeError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "EvalError",
  "URIError",
]);

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const message = error.message.split("\n")[0]!.trim() || error.name;
    // JavaScript's own error types say little without their name ("Cannot read properties of undefined").
    return JS_ERRORS.has(error.name) ? `${error.name}: ${message}` : message;
  }
  return String(error);
}
