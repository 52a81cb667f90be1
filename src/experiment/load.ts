// Reading an experiment file into plain data while keeping where every value came from, so that
// validation can point at `file:line:column`. JSON is parsed by JSON.parse (strict, as Chaos Toolkit's
// json.load) and located by a small scanner; YAML by the `yaml` package in YAML 1.1 mode (PyYAML's
// safe_load reads `yes`/`no` as booleans), whose document keeps the positions.
import { readFile, stat } from "node:fs/promises";
import { extname } from "node:path";
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type Tags,
  type YAMLError,
} from "yaml";
import { ExperimentLoadError, type Issue, makeIssue, type Position } from "./errors.ts";
import { jsonPositions } from "./json-positions.ts";
import { findJsonSyntaxError } from "./json-syntax.ts";
import { depthMessage, MAX_ALIAS_COUNT, MAX_ISSUES, sizeProblem, tooDeep } from "./limits.ts";
import type { DocPath, PathSegment } from "./path.ts";
import { quote } from "./quote.ts";
import { unclosedOpeningBefore } from "./yaml-syntax.ts";

export type ExperimentFormat = "yaml" | "json";

/** A parsed experiment file: its data, and the source position of any path inside it. */
export interface LoadedExperiment {
  /** The path as given by the caller; used in every message. */
  file: string;
  format: ExperimentFormat;
  data: unknown;
  /** Position of the value at `path`, or of its nearest existing ancestor (a missing key points at its parent). */
  locate(path: DocPath): Position;
  /** Problems that do not prevent loading (duplicate keys). */
  warnings: Issue[];
}

const start: Position = { line: 1, column: 1 };

export function experimentFormatOf(file: string): ExperimentFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === ".yaml" || ext === ".yml") return "yaml";
  if (ext === ".json") return "json";
  return undefined;
}

export async function loadExperimentFile(file: string): Promise<LoadedExperiment> {
  const format = experimentFormatOf(file);
  if (format === undefined) {
    throw new ExperimentLoadError(
      file,
      `unsupported file type '${extname(file) || "(none)"}': only files with json, yaml or yml extensions are supported`,
    );
  }
  let text: string;
  try {
    // Checked before reading, so a huge file is never read into memory.
    const tooBig = sizeProblem((await stat(file)).size);
    if (tooBig) throw new ExperimentLoadError(file, tooBig);
    text = await readFile(file, "utf8");
  } catch (error) {
    if (error instanceof ExperimentLoadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new ExperimentLoadError(file, "file does not exist");
    if (code === "EISDIR") throw new ExperimentLoadError(file, "is a directory, not an experiment file");
    throw new ExperimentLoadError(file, `cannot read the file: ${(error as Error).message}`);
  }
  return parseExperimentText(text, file, format);
}

// The plain scalars PyYAML's resolver reads as booleans, decimal integers and floats; the `yaml`
// package's YAML 1.1 schema is wider (`y`/`n` as booleans, `1e3` and `09` as numbers), where PyYAML
// keeps strings.
const PYYAML_TESTS = {
  true: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/,
  false: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/,
  int: /^[-+]?(?:0|[1-9][0-9_]*)$/,
  float: /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)$/,
  floatExp: /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)[eE][-+][0-9]+$/,
};

function pyyamlTest(tag: Exclude<Tags[number], string>): RegExp | undefined {
  const { test } = tag as { test?: RegExp };
  if (!test) return undefined;
  if (tag.tag === "tag:yaml.org,2002:bool") return test.test("true") ? PYYAML_TESTS.true : PYYAML_TESTS.false;
  if (tag.tag === "tag:yaml.org,2002:int" && test.test("12") && !test.test("1:2")) return PYYAML_TESTS.int;
  if (tag.tag === "tag:yaml.org,2002:float" && !test.test(".inf") && !test.test("1:2.5")) {
    return test.test("1.5") ? PYYAML_TESTS.float : PYYAML_TESTS.floatExp;
  }
  return undefined;
}

// PyYAML turns unquoted dates into date objects, whose str() is the same text; keeping the text means
// nothing downstream ever meets a Date.
export const pyyamlTags = (tags: Tags): Tags =>
  tags
    .filter((tag) => typeof tag === "string" || tag.tag !== "tag:yaml.org,2002:timestamp")
    .map((tag) => {
      if (typeof tag === "string") return tag;
      const test = pyyamlTest(tag);
      return test ? ({ ...tag, test } as typeof tag) : tag;
    });

/**
 * Parses experiment source text; pure (no file system). Any text, however large, deep or broken,
 * ends in a LoadedExperiment or an ExperimentLoadError naming the file.
 */
export function parseExperimentText(text: string, file: string, format: ExperimentFormat): LoadedExperiment {
  const tooBig = sizeProblem(Buffer.byteLength(text, "utf8"));
  if (tooBig) throw new ExperimentLoadError(file, tooBig);
  try {
    return parseBoundedText(text, file, format);
  } catch (error) {
    if (error instanceof ExperimentLoadError) throw error;
    // The parser recurses; a stack overflow is nesting beyond any depth we would accept.
    if (error instanceof RangeError) throw new ExperimentLoadError(file, depthMessage);
    const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
    throw new ExperimentLoadError(
      file,
      `cannot be read (an internal error, please report it): ${name}: ${message}`,
    );
  }
}

function parseBoundedText(text: string, file: string, format: ExperimentFormat): LoadedExperiment {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  return format === "json" ? parseJsonText(source, file) : parseYamlText(source, file);
}

function parseJsonText(source: string, file: string): LoadedExperiment {
  const position = positionsIn(source);
  const data = parseJson(source, file, position);
  // The position scanner recurses; nothing deeper than the limit reaches it.
  if (tooDeep(data)) throw new ExperimentLoadError(file, depthMessage);
  const positions = jsonPositions(source);
  const warnings = positions.duplicates
    .slice(0, MAX_ISSUES + 1)
    .map(({ path, key, offset }) =>
      makeIssue("warning", file, position(offset), path, `duplicate key ${quote(key)}: the last one wins`),
    );
  return { file, format: "json", data, locate: (path) => position(positions.locate(path)), warnings };
}

/** Line and column (from 1) of an offset in `text`, as the YAML parser's LineCounter gives them. */
function positionsIn(text: string): (offset: number) => Position {
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 };
  };
}

function parseYamlText(source: string, file: string): LoadedExperiment {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, {
    lineCounter,
    version: "1.1",
    uniqueKeys: false,
    prettyErrors: false,
    customTags: pyyamlTags,
  });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const error = doc.errors[0];
  if (error) throw yamlLoadError(file, error, source, position);
  const tagProblem = doc.warnings.find((w) => w.code === "TAG_RESOLVE_FAILED");
  if (tagProblem) {
    const tag =
      /Unresolved tag: (\S+)/.exec(tagProblem.message)?.[1]?.replace("tag:yaml.org,2002:", "!!") ?? "";
    throw new ExperimentLoadError(
      file,
      `unsupported YAML tag ${quote(tag)}: only plain YAML is accepted (safe loading: no custom or language-specific tags)`,
      position(tagProblem.pos[0]),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof RangeError) throw e;
    throw new ExperimentLoadError(file, `Failed parsing YAML experiment: ${(e as Error).message}`);
  }
  const locate = (path: DocPath): Position => {
    const offset = locateOffset(doc, path);
    return offset === undefined ? start : position(offset);
  };
  // Every later step walks the data (or the document) recursively; nothing deeper gets that far.
  const deep = tooDeep(data);
  if (deep) throw new ExperimentLoadError(file, depthMessage, locate(deep));
  return { file, format: "yaml", data, locate, warnings: duplicateKeyWarnings(doc, file, position) };
}

function parseJson(source: string, file: string, position: (offset: number) => Position): unknown {
  try {
    return JSON.parse(source);
  } catch (e) {
    const syntax = findJsonSyntaxError(source);
    const reason = syntax?.message ?? (e as Error).message;
    throw new ExperimentLoadError(
      file,
      `Failed parsing JSON experiment: ${reason}`,
      syntax ? position(syntax.offset) : undefined,
    );
  }
}

function yamlLoadError(
  file: string,
  error: YAMLError,
  source: string,
  position: (offset: number) => Position,
) {
  const gaveUp = position(error.pos[0]);
  // The parser records its own stack overflow as a syntax error: nesting beyond any depth we accept.
  if (error.message.includes("Maximum call stack size exceeded")) {
    return new ExperimentLoadError(file, depthMessage, gaveUp);
  }
  const message = `Failed parsing YAML experiment: ${firstLine(error.message)}`;
  const opened =
    error.code === "MISSING_CHAR" || error.code === "BAD_INDENT"
      ? unclosedOpeningBefore(source, error.pos[0])
      : undefined;
  if (opened === undefined) return new ExperimentLoadError(file, message, gaveUp);
  const where = position(opened);
  if (where.line === gaveUp.line) return new ExperimentLoadError(file, message, gaveUp);
  return new ExperimentLoadError(
    file,
    `${message} (opened here and still not closed at line ${gaveUp.line})`,
    where,
  );
}

const firstLine = (message: string): string =>
  (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (typeof key === "string" || typeof key === "number") return String(key);
  return undefined;
}

function resolve(doc: Document.Parsed, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function locateOffset(doc: Document.Parsed, path: DocPath): number | undefined {
  let node = resolve(doc, doc.contents);
  let offset = (node as Node | null)?.range?.[0];
  for (const segment of path) {
    const next = child(doc, node, segment);
    if (next === undefined) break;
    offset = next.offset;
    node = next.node;
    if (node === null || node === undefined) break;
  }
  return offset;
}

function child(
  doc: Document.Parsed,
  node: unknown,
  segment: PathSegment,
): { node: unknown; offset: number | undefined } | undefined {
  if (isMap(node)) {
    // With duplicate keys the last one wins, as in the data.
    const pair = node.items.findLast((p) => keyText(p.key) === String(segment));
    if (!pair) return undefined;
    const keyNode = pair.key as Node | null;
    const value = resolve(doc, pair.value);
    return { node: value, offset: keyNode?.range?.[0] ?? (value as Node | null)?.range?.[0] };
  }
  if (isSeq(node) && typeof segment === "number") {
    const item = resolve(doc, node.items[segment]);
    if (item === undefined) return undefined;
    return { node: item, offset: (node.items[segment] as Node | null)?.range?.[0] };
  }
  return undefined;
}

function duplicateKeyWarnings(
  doc: Document.Parsed,
  file: string,
  position: (offset: number) => Position,
): Issue[] {
  const warnings: Issue[] = [];
  const visit = (node: unknown, path: PathSegment[]) => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = keyText(pair.key);
        if (key === undefined) continue;
        if (seen.has(key) && warnings.length <= MAX_ISSUES) {
          const offset = (pair.key as Node).range?.[0] ?? 0;
          warnings.push(
            makeIssue(
              "warning",
              file,
              position(offset),
              [...path, key],
              `duplicate key ${quote(key)}: the last one wins`,
            ),
          );
        }
        seen.add(key);
        visit(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        visit(item, [...path, index]);
      });
    }
  };
  visit(doc.contents, []);
  return warnings;
}
