// Where a JSON text stops being JSON. JSON.parse says what is wrong but not always where, and the
// YAML parser accepts much that JSON does not (comments, trailing commas, empty values), so a small
// scanner finds the offset of the first syntax error for the message.

export interface JsonSyntaxError {
  offset: number;
  message: string;
}

const whitespace = new Set([" ", "\t", "\n", "\r"]);
const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const stringPattern = /"(?:[^"\\]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

class Failure extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.offset = offset;
  }
}

/** The first syntax error of `text` as JSON, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const skip = () => {
    while (i < text.length && whitespace.has(text[i]!)) i++;
  };
  const found = () => (i < text.length ? `'${text[i]}'` : "the end of the file");
  const expect = (char: string, what: string) => {
    skip();
    if (text[i] !== char) throw new Failure(i, `expected ${what}, found ${found()}`);
    i++;
  };
  const string = () => {
    stringPattern.lastIndex = i;
    if (!stringPattern.test(text)) throw new Failure(i, `expected a double-quoted string, found ${found()}`);
    for (let at = i; at < stringPattern.lastIndex; at++) {
      // Control characters (below U+0020) must be escaped inside JSON strings.
      if (text.charCodeAt(at) < 0x20) throw new Failure(at, "unescaped control character in a string");
    }
    i = stringPattern.lastIndex;
  };
  const value = (): void => {
    skip();
    const c = text[i];
    if (c === "{") {
      i++;
      skip();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        skip();
        if (text[i] !== '"') throw new Failure(i, `expected a double-quoted property name, found ${found()}`);
        string();
        expect(":", "':' after the property name");
        value();
        skip();
        if (text[i] === ",") {
          i++;
          continue;
        }
        expect("}", "',' or '}'");
        return;
      }
    }
    if (c === "[") {
      i++;
      skip();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        skip();
        if (text[i] === ",") {
          i++;
          continue;
        }
        expect("]", "',' or ']'");
        return;
      }
    }
    if (c === '"') {
      string();
      return;
    }
    for (const literal of ["true", "false", "null"]) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    numberPattern.lastIndex = i;
    if (c !== undefined && numberPattern.test(text)) {
      i = numberPattern.lastIndex;
      return;
    }
    throw new Failure(i, `expected a value, found ${found()}`);
  };
  try {
    value();
    skip();
    if (i < text.length) throw new Failure(i, `unexpected ${found()} after the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof Failure) return { offset: error.offset, message: error.message };
    throw error;
  }
}
