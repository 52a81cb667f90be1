// Python `re` syntax translated to a JavaScript RegExp with the same meaning, for regex tolerances
// (Chaos Toolkit runs `re.search(pattern, value)`). Python str patterns are Unicode-aware (`\w`, `\d`
// match any script) unless `(?a)` is given; `$` also matches before a final newline; `\A`/`\Z` anchor
// the whole string; a `{` that does not start a quantifier is a literal.

const FLAG_LETTERS = new Set(["a", "i", "L", "m", "s", "u", "x"]);
const JS_SYNTAX = new Set(["^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/"]);
const CLASS_SYNTAX = new Set(["\\", "]", "[", "-", "^"]);

interface Flags {
  ascii: boolean;
  ignoreCase: boolean;
  multiline: boolean;
  dotAll: boolean;
  verbose: boolean;
}

class PatternError extends Error {}

function leadingFlags(pattern: string): { flags: Flags; rest: string } {
  const flags: Flags = { ascii: false, ignoreCase: false, multiline: false, dotAll: false, verbose: false };
  let rest = pattern;
  for (;;) {
    const match = /^\(\?([a-zA-Z]+)\)/.exec(rest);
    if (!match) break;
    for (const letter of match[1]!) {
      if (!FLAG_LETTERS.has(letter)) throw new PatternError(`unknown flag '${letter}' in (?${match[1]})`);
      if (letter === "a") flags.ascii = true;
      if (letter === "i") flags.ignoreCase = true;
      if (letter === "m") flags.multiline = true;
      if (letter === "s") flags.dotAll = true;
      if (letter === "x") flags.verbose = true;
    }
    rest = rest.slice(match[0].length);
  }
  return { flags, rest };
}

function translate(source: string, flags: Flags): string {
  let out = "";
  let i = 0;
  let inClass = false;
  const wordClass = flags.ascii ? "\\w" : "\\p{L}\\p{N}_";
  const digitClass = flags.ascii ? "\\d" : "\\p{Nd}";
  while (i < source.length) {
    const c = source[i]!;
    if (c === "\\") {
      const e = source[i + 1];
      if (e === undefined) throw new PatternError("bad escape (end of pattern)");
      i += 2;
      if (e === "A" && !inClass) out += "(?<![\\s\\S])";
      else if (e === "Z" && !inClass) out += "(?![\\s\\S])";
      else if (e === "w") out += inClass ? wordClass : `[${wordClass}]`;
      else if (e === "W") out += inClass ? "\\W" : `[^${wordClass}]`;
      else if (e === "d") out += inClass ? digitClass : `[${digitClass}]`;
      else if (e === "D") out += inClass ? "\\D" : `[^${digitClass}]`;
      else if (/[0-9]/.test(e)) {
        // Python: \0 and three octal digits are octal escapes; otherwise one or two digits are a backreference.
        const octal =
          e === "0" ? /^[0-7]{0,2}/.exec(source.slice(i))![0] : /^[0-7]{2}/.exec(source.slice(i))?.[0];
        if (octal !== undefined && (e === "0" || /[0-7]/.test(e))) {
          i += octal.length;
          out += `\\u{${Number.parseInt(e + octal, 8).toString(16)}}`;
        } else {
          if (inClass) throw new PatternError(`bad escape \\${e} in a character set`);
          let digits = e;
          if (/[0-9]/.test(source[i] ?? "")) digits += source[i++];
          out += `\\${digits}`;
          if (/[0-9]/.test(source[i] ?? "")) out += "(?:)";
        }
      } else if (/[a-zA-Z]/.test(e)) {
        if (!"bBsSntrfvx".includes(e) && e !== "u" && e !== "U" && e !== "N") {
          throw new PatternError(`bad escape \\${e}`);
        }
        if (e === "b" && inClass) out += "\\x08";
        else if (e === "U") {
          const hex = source.slice(i, i + 8);
          if (!/^[0-9a-fA-F]{8}$/.test(hex)) throw new PatternError("incomplete escape \\U");
          out += `\\u{${hex}}`;
          i += 8;
        } else if (e === "N") throw new PatternError("named Unicode escapes (\\N{...}) are not supported");
        else out += `\\${e}`;
      } else if (inClass ? CLASS_SYNTAX.has(e) : JS_SYNTAX.has(e)) out += `\\${e}`;
      else out += e;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c === "[" ? "\\[" : c;
      i++;
      continue;
    }
    if (flags.verbose && /\s/.test(c)) {
      i++;
      continue;
    }
    if (flags.verbose && c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += "[";
      i++;
      if (source[i] === "^") {
        out += "^";
        i++;
      }
      // Python: a `]` right after `[` or `[^` is a literal.
      if (source[i] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (c === "(" && source[i + 1] === "?") {
      const rest = source.slice(i + 2);
      const named = /^P<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      const backref = /^P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest);
      if (named) {
        out += `(?<${named[1]}>`;
        i += 2 + named[0].length;
      } else if (backref) {
        out += `\\k<${backref[1]}>`;
        i += 2 + backref[0].length;
      } else if (rest.startsWith("#")) {
        const close = source.indexOf(")", i);
        if (close < 0) throw new PatternError("missing ), unterminated comment");
        i = close + 1;
      } else if (/^[:=!]|^<[=!]/.test(rest)) {
        out += "(?";
        i += 2;
      } else if (/^[aiLmsux]*(-[imsx]+)?:/.test(rest)) {
        // Scoped flags: JavaScript supports i, m and s modifiers; the others cannot be expressed.
        const spec = /^([aiLmsux]*)(?:-([imsx]+))?:/.exec(rest)!;
        const unsupported = `${spec[1]}${spec[2] ?? ""}`.replace(/[ims]/g, "");
        if (unsupported) throw new PatternError(`scoped flag(s) '${unsupported}' are not supported`);
        out += `(?${spec[0]}`;
        i += 2 + spec[0].length;
      } else if (/^[aiLmsux]+\)/.test(rest)) {
        throw new PatternError("global flags not at the start of the expression");
      } else if (rest.startsWith("(")) {
        throw new PatternError("conditional groups (?(...)...) are not supported");
      } else {
        throw new PatternError(`unknown extension ?${rest[0] ?? ""}`);
      }
      continue;
    }
    if (c === "$" && !flags.multiline) {
      out += "(?=\\n?(?![\\s\\S]))";
      i++;
      continue;
    }
    if (c === "{") {
      const quantifier = /^\{(\d*)(,(\d*))?\}/.exec(source.slice(i));
      if (quantifier && (quantifier[1] !== "" || quantifier[2] !== undefined)) {
        out += `{${quantifier[1] || "0"}${quantifier[2] ?? ""}}`;
        i += quantifier[0].length;
      } else {
        out += "\\{";
        i++;
      }
      continue;
    }
    if (c === "}") {
      out += "\\}";
      i++;
      continue;
    }
    out += c;
    i++;
  }
  if (inClass) throw new PatternError("unterminated character set");
  return out;
}

/** Compiles a Python `re` pattern to an equivalent RegExp (use `.test` for `re.search` semantics). */
export function compilePythonRegex(pattern: string): RegExp {
  try {
    const { flags, rest } = leadingFlags(pattern);
    const jsFlags = `u${flags.ignoreCase ? "i" : ""}${flags.multiline ? "m" : ""}${flags.dotAll ? "s" : ""}`;
    return new RegExp(translate(rest, flags), jsFlags);
  } catch (error) {
    const reason =
      error instanceof PatternError
        ? error.message
        : String((error as Error).message).replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
    throw new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${reason}`);
  }
}
