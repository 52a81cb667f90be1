// The safeguards control (`chaosaddons.controls.safeguards`), which chaos-action runs: its probes,
// under `provider.arguments.probes`, are checked as chaosaddons checks them (at least one, each a
// probe with a tolerance), and as any hypothesis probe is, plus their own `frequency`.
import { isRecord } from "../../common/record.ts";
import { isSafeguardsControl } from "../format-names.ts";
import type { PathSegment } from "../path.ts";
import { describeValue } from "../shape-messages.ts";
import { checkActivities } from "./activities.ts";
import type { Checker } from "./checker.ts";

/** Checks the experiment-level `controls`' safeguards (controls.ts checks the controls themselves). */
export function checkSafeguards(c: Checker, controls: unknown, path: PathSegment[]): void {
  if (!Array.isArray(controls)) return;
  controls.forEach((control, index) => {
    if (!isSafeguardsControl(control) || !isRecord(control) || !isRecord(control.provider)) return;
    const args = control.provider.arguments;
    const here: PathSegment[] = [...path, index, "provider", "arguments", "probes"];
    const probes = isRecord(args) ? args.probes : undefined;
    if (!Array.isArray(probes) || probes.length === 0) {
      c.error(here, `the safeguards control needs at least one probe here, got ${describeValue(probes)}`);
      return;
    }
    const checked = probes.map((probe, at) => {
      if (!isRecord(probe)) return probe;
      const { frequency, ...rest } = probe;
      if (
        frequency !== undefined &&
        frequency !== null &&
        !(typeof frequency === "number" && frequency > 0)
      ) {
        c.error(
          [...here, at, "frequency"],
          `a safeguard's frequency must be a number of seconds above 0, got ${describeValue(frequency)}`,
        );
      }
      if (rest.type === "action") {
        c.error([...here, at, "type"], "a safeguard must be a probe, not an action");
        return { ...rest, type: "probe" };
      }
      return rest;
    });
    // Checked as hypothesis probes, without becoming targets of refs (Chaos Toolkit's lookup table
    // holds the method and the hypothesis only).
    const saved = new Map(c.hypothesisDefinitions);
    checkActivities(c, checked, here, "hypothesis");
    c.hypothesisDefinitions.clear();
    for (const [name, definition] of saved) c.hypothesisDefinitions.set(name, definition);
  });
}
