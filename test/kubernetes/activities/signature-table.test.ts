// The generated signature table validation reads (so that it loads no activity) says what the catalog
// says: regenerate it with `node scripts/chaosk8s-signatures.ts` when this fails.
import { describe, expect, it } from "vitest";
import { chaosk8sSource as catalog } from "../../../src/kubernetes/catalog.ts";
import { chaosk8sSignatures, chaosk8sSource } from "../../../src/kubernetes/chaosk8s-source.ts";

describe("the chaosk8s signature table", () => {
  it("holds exactly the catalog's signatures, in its order", () => {
    expect(chaosk8sSignatures).toStrictEqual(JSON.parse(JSON.stringify(catalog.signatures)));
    // Nothing in a signature is lost in JSON (an undefined field, a non-finite default).
    expect(JSON.parse(JSON.stringify(catalog.signatures))).toStrictEqual(catalog.signatures);
  });

  it("loads the catalog's implementation of a function on first use", async () => {
    expect(await chaosk8sSource.load("chaosk8s.pod.actions", "terminate_pods")).toBe(
      await catalog.load("chaosk8s.pod.actions", "terminate_pods"),
    );
    await expect(chaosk8sSource.load("chaosk8s.pod.actions", "no_such_function")).rejects.toThrow(
      "chaosk8s.pod.actions.no_such_function is not a chaosk8s function chaos-action knows",
    );
  });
});
