import { describe, expect, it } from "vitest";
import { targetSet, unionOf } from "../../../src/kubernetes/activities/target-set.ts";

const pod = (name: string) => ({ kind: "Pod", namespace: "shop", name });

describe("unionOf", () => {
  it("adds the parts' candidates, and keeps no total when every part lists all its objects", () => {
    const union = unionOf([targetSet([pod("a")], 3, ["shop"]), targetSet([pod("b"), pod("c")], 2)]);
    expect(union.objects.map((o) => o.name)).toEqual(["a", "b", "c"]);
    expect(union.candidates).toBe(5);
    expect(union.total).toBeUndefined();
  });

  it("counts what a part that lists only its first objects stands for", () => {
    const listedOnly = { ...targetSet([pod("a"), pod("b")], 5000, ["shop"]), total: 5000 };
    const union = unionOf([
      { ...targetSet([{ kind: "Deployment", namespace: "shop", name: "web" }]) },
      listedOnly,
    ]);
    expect(union.objects).toHaveLength(3);
    expect(union.total).toBe(5001);
  });
});
