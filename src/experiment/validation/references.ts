// What can only be checked once the whole experiment has been walked: refs to activities and to
// controls, and `${name}` placeholders that no configuration or secret defines.
import { definedNames, undefinedPlaceholders } from "../placeholders.ts";
import { quote, quoteList } from "../quote.ts";
import { listWords } from "../shape-messages.ts";
import type { Checker } from "./checker.ts";

export function checkActivityReferences(c: Checker): void {
  // Chaos Toolkit's lookup table: method activities, then hypothesis probes (which win on a name clash).
  const known = new Map([...c.definitions, ...c.hypothesisDefinitions]);
  for (const { ref, path, where } of c.references) {
    const target = known.get(ref);
    if (!target) {
      const names = [...known.keys()];
      const hint = names.length > 0 ? ` (known activities: ${quoteList(names)})` : "";
      c.error(path, `referenced activity ${quote(ref)} could not be found in the experiment${hint}`);
    } else if (where === "hypothesis" && target.type === "action") {
      c.warn(
        path,
        `a steady-state hypothesis should only run probes, but ${quote(ref)} is an action: it runs on every check`,
      );
    }
  }
}

export function checkControlReferences(c: Checker): void {
  for (const { ref, path } of c.controlRefs) {
    if (!c.controlNames.includes(ref)) {
      c.error(
        path,
        `Control reference ${quote(ref)} declaration cannot be found among the experiment's controls`,
      );
    }
  }
}

export function checkPlaceholders(c: Checker, data: Record<string, unknown>): void {
  const defined = definedNames(data, c.options.vars);
  for (const { path, names } of undefinedPlaceholders(data, defined)) {
    const list = listWords(
      names.map((name) => `'\${${name}}'`),
      "and",
    );
    const verb = names.length === 1 ? "names" : "name";
    c.warn(
      path,
      `${list} ${verb} no configuration or secret value, so it stays as written (define it, or pass --var ${names[0]}=...)`,
    );
  }
}
