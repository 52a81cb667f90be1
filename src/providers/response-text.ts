// The text behind a JSON body that chaos-action parses where Chaos Toolkit keeps it as text
// (`application/json; charset=utf-8`): a regex tolerance searches that text, as it would there.
const texts = new WeakMap<object, string>();

export function rememberText<T>(value: T, text: string): T {
  if (value !== null && typeof value === "object") texts.set(value, text);
  return value;
}

export const textOf = (value: unknown): string | undefined =>
  value !== null && typeof value === "object" ? texts.get(value) : undefined;
