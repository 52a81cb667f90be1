// How a value from an experiment file appears inside a message: quoted, cut to a readable length,
// and with every control character written as an escape. A newline in a value cannot split a
// message, an escape sequence cannot repaint the terminal, and no line of ours can start with text
// the file chose (a CI runner may read such a line as a command).

/** Characters longer than this are cut, with `...` and the full length said. */
export const QUOTED_LENGTH = 60;

// C0, DEL, C1, and the two Unicode line separators some readers break lines at.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const control = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

const escapeOne = (char: string): string => {
  const known = named[char];
  if (known) return known;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
};

/** Every control character as a visible escape (`\n`, `\x1b`, `\u2028`); the rest unchanged. */
export function escapeControl(text: string): string {
  return text.replace(control, escapeOne);
}

/** At most `max` characters of `text`, never splitting a surrogate pair; `...` says it was cut. */
export function shorten(text: string, max = QUOTED_LENGTH): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 3);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}... (${text.length} characters)`;
}

/** `value` shortened and with its control characters escaped, unquoted (an environment variable's name). */
export function excerpt(value: unknown, max = QUOTED_LENGTH): string {
  return escapeControl(shorten(String(value), max));
}

/** `'value'`, shortened and with its control characters escaped: for any text taken from a file. */
export function quote(value: unknown, max = QUOTED_LENGTH): string {
  return `'${excerpt(value, max)}'`;
}

/** `'a', 'b', 'c'`, or the first `max` of them and how many more. */
export function quoteList(values: readonly unknown[], max = 10): string {
  const shown = values.slice(0, max).map((value) => quote(value));
  const more = values.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}
