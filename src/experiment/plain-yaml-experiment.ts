// A YAML experiment in plain YAML, the shape nearly every experiment has: one document of mappings,
// lists and scalars, with no tags, anchors, aliases or directives. js-yaml's event parser reads it,
// and one pass over its events builds the data, the offset of every value and the duplicate-key
// warnings: about half the time of the `yaml` package's document (yaml-experiment.ts), which is then
// never loaded. The values are the ones yaml-experiment.ts gives. Anything else is declined and read
// by yaml-experiment.ts as before, which also explains every syntax error: a file outside that shape,
// a scalar whose reading needs more of YAML 1.1 (octal, hex, sexagesimal, `.inf`, `_` in a number, a
// `<<` merge key), a null or collection or more than one line as a key, a block scalar's indentation
// indicator, a `\U` or escaped line break between double quotes, the few texts below that the two
// parsers read differently, and any text js-yaml refuses.
import { EVENT_ID, type Event, getScalarValue, parseEvents, SCALAR_STYLE, type ScalarEvent } from "js-yaml";
import { duplicateKeyWarning, ExperimentLoadError, type Issue } from "./errors.ts";
import { depthMessage, MAX_ISSUES, tooDeep } from "./limits.ts";
import type { LoadedExperiment } from "./loaded.ts";
import type { PathSegment } from "./path.ts";
import { PYYAML_TESTS } from "./pyyaml-scalars.ts";
import { locateIn, type PositionTree, positionsIn } from "./source-positions.ts";

/** The `yaml` package's YAML 1.1 forms left to it: every other plain scalar is read here. */
const SCALARS_FOR_THE_YAML_PACKAGE = [
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^<<$/,
];
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
/**
 * Where the two parsers read the YAML specification differently, found by fuzzing them against each
 * other: a carriage return alone (a line end for js-yaml, as for PyYAML, not for the `yaml` package),
 * tabs (which each allows in different places around indentation), a document end marker (`...`,
 * after which js-yaml reads on) and an indented `---` (a document start marker for js-yaml alone).
 */
const TEXT_FOR_THE_YAML_PACKAGE = /\r(?!\n)|\t|^\.\.\.(?!\S)|^ +---(?!\S)/m;
/** Escapes the parsers read differently: `\U` beyond Unicode, a line break escaped before blank lines. */
const ESCAPES_FOR_THE_YAML_PACKAGE = /\\(?:U|\r?\n)/;

class Declined {}
const declined = new Declined();

/** Reads `source` if it is plain YAML; undefined when yaml-experiment.ts must read it. */
export function parsePlainYamlText(source: string, file: string): LoadedExperiment | undefined {
  if (TEXT_FOR_THE_YAML_PACKAGE.test(source)) return undefined;
  let events: Event[];
  try {
    events = parseEvents(source, {});
  } catch {
    return undefined;
  }
  const position = positionsIn(source);
  const warnings: Issue[] = [];
  let data: unknown;
  let root: PositionTree;
  try {
    ({ data, root } = readDocument(events, source, (path, key, offset) => {
      if (warnings.length <= MAX_ISSUES)
        warnings.push(duplicateKeyWarning(file, position(offset), path, key));
    }));
  } catch (error) {
    if (error === declined) return undefined;
    throw error;
  }
  const locate: LoadedExperiment["locate"] = (path) => position(locateIn(root, path));
  // Every later step walks the data recursively; nothing deeper gets that far.
  const deep = tooDeep(data);
  if (deep) throw new ExperimentLoadError(file, depthMessage, locate(deep));
  return { file, format: "yaml", data, locate, warnings };
}

type OnDuplicate = (path: PathSegment[], key: string, offset: number) => void;

function readDocument(events: Event[], source: string, onDuplicate: OnDuplicate) {
  const [document, ...rest] = events;
  if (document?.type !== EVENT_ID.DOCUMENT || document.directives.length > 0) throw declined;
  if (rest.some((event) => event.type === EVENT_ID.DOCUMENT)) throw declined;
  let next = 1;
  const take = (): Event => events[next++] ?? fail();

  const read = (path: PathSegment[]): { value: unknown; entry: PositionTree } => {
    const event = take();
    if (event.type === EVENT_ID.SCALAR) {
      plainNode(event);
      return { value: scalarValue(source, event), entry: { offset: scalarOffset(source, event) } };
    }
    if (event.type === EVENT_ID.SEQUENCE) {
      plainNode(event);
      const value: unknown[] = [];
      const items: PositionTree[] = [];
      while (events[next]?.type !== EVENT_ID.POP) {
        const item = read([...path, value.length]);
        // An empty item (`-` alone) has no offset of its own in js-yaml's events.
        if (item.entry.offset === NO_OFFSET) throw declined;
        value.push(item.value);
        items.push(item.entry);
      }
      next++;
      return { value, entry: { offset: event.start, items } };
    }
    if (event.type === EVENT_ID.MAPPING) {
      plainNode(event);
      const value: Record<string, unknown> = {};
      const members = new Map<string, PositionTree>();
      while (events[next]?.type !== EVENT_ID.POP) {
        const keyEvent = take();
        if (keyEvent.type !== EVENT_ID.SCALAR) throw declined;
        plainNode(keyEvent);
        // js-yaml lets an implicit key run over lines; the `yaml` package refuses it, as YAML does.
        if (/[\r\n]/.test(source.slice(keyEvent.valueStart, keyEvent.valueEnd))) throw declined;
        const key = keyText(scalarValue(source, keyEvent));
        const keyOffset = scalarOffset(source, keyEvent);
        if (members.has(key)) onDuplicate([...path, key], key, keyOffset);
        const member = read([...path, key]);
        // As the `yaml` package does: a key the prototype already has becomes the object's own.
        if (key in value) Object.defineProperty(value, key, { ...ownValue, value: member.value });
        else value[key] = member.value;
        members.set(key, { ...member.entry, offset: keyOffset });
      }
      next++;
      return { value, entry: { offset: event.start, members } };
    }
    throw declined;
  };

  const { value, entry } = read([]);
  if (entry.offset === NO_OFFSET) throw declined;
  if (next !== events.length - 1 || events[next]?.type !== EVENT_ID.POP) throw declined;
  return { data: value, root: entry };
}

/** js-yaml's offset for an empty scalar, which has no text. */
const NO_OFFSET = -1;

const ownValue = { writable: true, enumerable: true, configurable: true };

function fail(): never {
  throw declined;
}

function plainNode(event: { anchorStart: number; tagStart: number }): void {
  if (event.anchorStart !== -1 || event.tagStart !== -1) throw declined;
}

function keyText(key: unknown): string {
  if (key === null) throw declined;
  return String(key);
}

function scalarValue(source: string, event: ScalarEvent): unknown {
  if (event.style === SCALAR_STYLE.DOUBLE_QUOTED) {
    const raw = source.slice(event.valueStart, event.valueEnd);
    if (ESCAPES_FOR_THE_YAML_PACKAGE.test(raw)) throw declined;
  }
  const text = getScalarValue(source, event);
  return event.style === SCALAR_STYLE.PLAIN ? plainValue(text) : text;
}

/** A plain scalar's value as yaml-experiment.ts reads it: its YAML 1.1 schema narrowed to PyYAML's. */
function plainValue(text: string): unknown {
  if (NULL.test(text)) return null;
  if (PYYAML_TESTS.true.test(text)) return true;
  if (PYYAML_TESTS.false.test(text)) return false;
  if (SCALARS_FOR_THE_YAML_PACKAGE.some((form) => form.test(text))) throw declined;
  const integer = PYYAML_TESTS.int.test(text);
  if (!integer && !PYYAML_TESTS.float.test(text) && !PYYAML_TESTS.floatExp.test(text)) return text;
  if (text.includes("_")) throw declined;
  if (!integer) return Number.parseFloat(text);
  const magnitude = Number.parseInt(text[0] === "-" || text[0] === "+" ? text.slice(1) : text, 10);
  return text[0] === "-" ? -1 * magnitude : magnitude;
}

/** Where a scalar's node starts, as the `yaml` package counts it: at its quote, or its `|`/`>` header. */
function scalarOffset(source: string, event: ScalarEvent): number {
  switch (event.style) {
    case SCALAR_STYLE.SINGLE_QUOTED:
    case SCALAR_STYLE.DOUBLE_QUOTED:
      return event.valueStart - 1;
    case SCALAR_STYLE.LITERAL_BLOCK:
    case SCALAR_STYLE.FOLDED_BLOCK:
      return blockHeaderOffset(source, event.valueStart);
    default:
      return event.valueStart; // NO_OFFSET when empty
  }
}

// A block scalar's content starts on the line after its header (`key: |-  # comment`); the header is
// the first `|` or `>` on that line that only indicators and a comment follow.
const BLOCK_HEADER = /^(.*?)[|>]([0-9+-]*)(?:[ \t]+#.*|[ \t]*)\r?$/;

function blockHeaderOffset(source: string, contentStart: number): number {
  if (source[contentStart - 1] !== "\n") throw declined;
  const lineStart = source.lastIndexOf("\n", contentStart - 2) + 1;
  const header = BLOCK_HEADER.exec(source.slice(lineStart, contentStart - 1));
  // An indentation indicator (`|2`) is counted from different places by the two parsers.
  if (!header || /[0-9]/.test(header[2]!)) throw declined;
  return lineStart + header[1]!.length;
}
