// Which fields of a provider Chaos Toolkit substitutes `${var}` in before running it (chaoslib
// provider/*.py): `arguments` of every provider, and the http provider's `url`, `headers` and
// `timeout`. Anything else (a process `path` or `timeout`, an http `method`, a python `module`) is
// used as written.
import type { Provider } from "../experiment/format.ts";

const SUBSTITUTED: Record<Provider["type"], readonly string[]> = {
  python: ["arguments"],
  process: ["arguments"],
  http: ["url", "headers", "timeout", "arguments"],
};

export function substituteProvider<P extends Provider>(
  provider: P,
  substitute: (value: unknown) => unknown,
): P {
  const out: Record<string, unknown> = { ...provider };
  for (const field of SUBSTITUTED[provider.type] ?? []) {
    if (field in out) out[field] = substitute(out[field]);
  }
  return out as P;
}
