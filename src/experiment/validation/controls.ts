// Controls: Chaos Toolkit's shape rules for them (chaos-action runs only the experiment's safeguards
// control, see safeguards.ts, and says it ignores any other), and the names that control refs are
// resolved against.
import { isRecord } from "../../common/record.ts";
import { isSafeguardsControl } from "../format-names.ts";
import type { PathSegment } from "../path.ts";
import { quote, quoteList } from "../quote.ts";
import { describeValue } from "../shape-messages.ts";
import { fieldsOf, SHAPES } from "../shapes.ts";
import type { Checker } from "./checker.ts";

export function checkControls(c: Checker, value: unknown, path: PathSegment[]): void {
  if (!Array.isArray(value)) {
    c.error(path, `controls must be a list, got ${describeValue(value)}`);
    return;
  }
  const names: string[] = [];
  value.forEach((control, index) => {
    const here = [...path, index];
    const name = isRecord(control) && typeof control.name === "string" ? control.name : "(unnamed)";
    const ok = c.object(control, SHAPES.Control, here, "a control", {
      missing: {
        name: "A control must have a `name` property",
        provider: `Control ${quote(name)} must have a \`provider\` property`,
      },
      invalid: { scope: `Control ${quote(name)} scope property must be 'before' or 'after' only` },
      extraKnown: ["ref"],
      lenient: ["automatic"],
      fields: {
        provider: (v, p) => {
          c.object(v, fieldsOf(SHAPES.Control).provider!, p, "a control provider", {
            missing: { module: `Control ${quote(name)} must have a module path` },
            invalid: { type: "controls are Python modules" },
            extraKnown: ["secrets"],
            // Chaos Toolkit only checks python controls, and chaos-action does not run any.
            lenient:
              isRecord(v) && v.type === "python" ? ["type", "arguments"] : ["type", "arguments", "module"],
          });
        },
      },
    });
    if (!ok) return;
    // The experiment's own safeguards run; elsewhere (the hypothesis, an activity) they do not.
    if (!(path.length === 1 && isSafeguardsControl(control))) names.push(name);
    if (typeof control.ref === "string") c.controlRefs.push({ ref: control.ref, path: [...here, "ref"] });
    else if (path.length === 1 && typeof control.name === "string") c.controlNames.push(control.name);
  });
  if (names.length > 0) {
    c.warn(path, `controls are not run by chaos-action; ignoring ${quoteList(names)}`);
  }
}
