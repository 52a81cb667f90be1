// A YAML experiment that plain-yaml-experiment.ts declines (tags, anchors, YAML 1.1's rarer numbers,
// syntax errors…): parsed by the `yaml` package in YAML 1.1 mode (PyYAML's safe_load reads `yes`/`no`
// as booleans), whose document keeps the positions and whose errors are worded for people.
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
import { duplicateKeyWarning, ExperimentLoadError, type Issue, type Position } from "./errors.ts";
import { depthMessage, MAX_ALIAS_COUNT, MAX_ISSUES, tooDeep } from "./limits.ts";
import type { LoadedExperiment } from "./loaded.ts";
import type { DocPath, PathSegment } from "./path.ts";
import { PYYAML_TESTS } from "./pyyaml-scalars.ts";
import { quote } from "./quote.ts";
import { unclosedOpeningBefore } from "./yaml-syntax.ts";

const start: Position = { line: 1, column: 1 };

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

export function parseYamlText(source: string, file: string): LoadedExperiment {
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
          warnings.push(duplicateKeyWarning(file, position(offset), [...path, key], key));
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
