// esbuild wraps each bundled CommonJS module (undici, yaml, …) in a factory function that runs on the
// module's first require. V8 compiles a function lazily, on its first call, unless the function
// literal stands in parentheses; Node's compile cache keeps only what was compiled with the file. So
// every run compiled these factories again: ~30 ms of a cluster run, ~6 ms of validating YAML
// (`--cpu-prof`: the time lands on esbuild's `__require` helper). Wrapped in parentheses, the
// factories are compiled with their file and come from the cache on the next run. Parentheses
// around a function argument change nothing else.
import ts from "typescript";

/** esbuild's minified `__commonJS(factory)`: `var p=(a,b)=>()=>{try{return b||a((b={exports:{}}).exports,b),…`. */
const COMMONJS_HELPER =
  /var (\w+)=\((\w+),(\w+)\)=>\(\)=>\{try\{return \3\|\|\2\(\(\3=\{exports:\{\}\}\)\.exports,\3\)/;

/**
 * `files`: output base names → text. Returns the texts with every factory passed to the helper in
 * parentheses. Throws when there are CommonJS factories but the helper is not found (a new esbuild
 * runtime): the build should say so rather than quietly lose the cache.
 */
export function eagerCommonJsFactories(files: Map<string, string>): Map<string, string> {
  const runtime = [...files].find(([, text]) => COMMONJS_HELPER.test(text));
  if (!runtime) {
    if ([...files.values()].some((text) => text.includes("exports:{}"))) {
      throw new Error("esbuild's __commonJS helper has a shape scripts/eager-factories.ts does not know");
    }
    return files;
  }
  const [runtimeName, runtimeText] = runtime;
  const local = COMMONJS_HELPER.exec(runtimeText)![1]!;
  const exported = new RegExp(`\\b${local} as (\\w+)`).exec(runtimeText)?.[1] ?? local;
  const result = new Map<string, string>();
  for (const [name, text] of files) {
    const alias = name === runtimeName ? local : importedAs(text, runtimeName, exported);
    result.set(name, alias ? parenthesizeFactories(name, text, alias) : text);
  }
  return result;
}

/** The local name a file gives the runtime chunk's `exported`, if it imports it. */
function importedAs(text: string, runtimeName: string, exported: string): string | undefined {
  const from = new RegExp(`import\\{([^}]*)\\}from"\\.(?:/chunks)?/${runtimeName.replace(/[.-]/g, "\\$&")}"`);
  const specifiers = from.exec(text)?.[1];
  if (!specifiers) return undefined;
  for (const specifier of specifiers.split(",")) {
    const [imported, as = imported] = specifier.split(" as ") as [string, string?];
    if (imported === exported) return as;
  }
  return undefined;
}

function parenthesizeFactories(name: string, text: string, helper: string): string {
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const ranges: Array<[number, number]> = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === helper &&
      node.arguments.length === 1
    ) {
      const [factory] = node.arguments;
      if (factory && (ts.isArrowFunction(factory) || ts.isFunctionExpression(factory))) {
        ranges.push([factory.getStart(source), factory.end]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  // Inserted from the end backwards, so the offsets still to come stay right.
  const inserts = ranges.flatMap(
    ([start, end]): Array<[number, string]> => [
      [start, "("],
      [end, ")"],
    ],
  );
  let out = text;
  for (const [at, paren] of inserts.sort((a, b) => b[0] - a[0]))
    out = out.slice(0, at) + paren + out.slice(at);
  return out;
}
