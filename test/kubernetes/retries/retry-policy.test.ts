// The retry policy as a specification: which requests are retried on which failures, and the waits.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RETRY,
  mayRetry,
  nextDelay,
  parseRetryAfter,
  retryMode,
  transient,
} from "../../../src/kubernetes/retry-policy.ts";

const api = "https://127.0.0.1:6443";

describe("which requests are retried", () => {
  it("reads, replaces and deletes on any transient failure", () => {
    for (const method of ["GET", "HEAD", "PUT", "DELETE"]) {
      expect(retryMode({ method, url: `${api}/api/v1/namespaces/default/pods/web` })).toBe("always");
    }
  });

  it("patches that set absolute values always; a JSON Patch that inserts or removes only when proven", () => {
    const url = `${api}/apis/apps/v1/namespaces/default/deployments/web`;
    expect(retryMode({ method: "PATCH", url, contentType: "application/merge-patch+json", body: "{}" })).toBe(
      "always",
    );
    expect(
      retryMode({ method: "PATCH", url, contentType: "application/strategic-merge-patch+json", body: "{}" }),
    ).toBe("always");
    const json = (ops: object[]) =>
      retryMode({
        method: "PATCH",
        url,
        contentType: "application/json-patch+json",
        body: JSON.stringify(ops),
      });
    expect(json([{ op: "replace", path: "/spec/replicas", value: 0 }])).toBe("always");
    expect(json([{ op: "add", path: "/metadata/annotations/x", value: "1" }])).toBe("always");
    expect(json([{ op: "add", path: "/spec/template/spec/containers/-", value: {} }])).toBe("proven");
    expect(json([{ op: "add", path: "/spec/template/spec/containers/0", value: {} }])).toBe("proven");
    expect(json([{ op: "remove", path: "/metadata/labels/x" }])).toBe("proven");
  });

  it("creates are read back; evictions and access reviews are retried; generateName only when proven", () => {
    const pods = `${api}/api/v1/namespaces/default/pods`;
    expect(retryMode({ method: "POST", url: pods, body: JSON.stringify({ metadata: { name: "p" } }) })).toBe(
      "create",
    );
    expect(
      retryMode({ method: "POST", url: pods, body: JSON.stringify({ metadata: { generateName: "p-" } }) }),
    ).toBe("proven");
    expect(retryMode({ method: "POST", url: `${pods}/web-1/eviction`, body: "{}" })).toBe("always");
    expect(
      retryMode({
        method: "POST",
        url: `${api}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`,
        body: "{}",
      }),
    ).toBe("always");
  });
});

describe("which failures are transient", () => {
  it("429 and 5xx but 501; not other 4xx", () => {
    expect(transient({ status: 429, retryAfterMs: 2000 })).toEqual({ proven: true, retryAfterMs: 2000 });
    for (const status of [500, 502, 503, 504]) expect(transient({ status })).toEqual({ proven: false });
    for (const status of [400, 401, 403, 404, 409, 410, 422, 501])
      expect(transient({ status })).toBeUndefined();
  });

  it("refused connections prove nothing was sent; resets and timeouts do not", () => {
    expect(transient({ code: "ECONNREFUSED", name: "Error", message: "" })).toEqual({ proven: true });
    expect(transient({ code: "ECONNRESET", name: "Error", message: "" })).toEqual({ proven: false });
    expect(transient({ code: undefined, name: "TimeoutError", message: "" })).toEqual({ proven: false });
    expect(transient({ code: undefined, name: "SocketError", message: "other side closed" })).toEqual({
      proven: false,
    });
    expect(transient({ code: "ENOTFOUND", name: "Error", message: "" })).toBeUndefined();
    expect(transient({ code: "DEPTH_ZERO_SELF_SIGNED_CERT", name: "Error", message: "" })).toBeUndefined();
  });

  it("a non-idempotent request is retried only after a proven failure", () => {
    expect(mayRetry("proven", { proven: false })).toBe(false);
    expect(mayRetry("proven", { proven: true })).toBe(true);
    expect(mayRetry("create", { proven: false })).toBe(true);
  });
});

describe("the waits", () => {
  it("full jitter under a doubling, capped ceiling", () => {
    const top = () => 0.999999;
    const ceilings = [1, 2, 3, 4].map((retry) => nextDelay(DEFAULT_RETRY, { retry, elapsedMs: 0 }, top));
    expect(ceilings).toEqual([249, 499, 999, 1999]);
    expect(nextDelay({ ...DEFAULT_RETRY, maxAttempts: 10 }, { retry: 8, elapsedMs: 0 }, top)).toBe(3999);
    expect(nextDelay(DEFAULT_RETRY, { retry: 1, elapsedMs: 0 }, () => 0)).toBe(0);
  });

  it("stops after the last attempt, and when the wait would end past the time budget", () => {
    expect(nextDelay(DEFAULT_RETRY, { retry: 5, elapsedMs: 0 }, () => 0.5)).toBeUndefined();
    expect(nextDelay(DEFAULT_RETRY, { retry: 1, elapsedMs: 29_990 }, () => 0.5)).toBeUndefined();
  });

  it("waits at least what Retry-After asks, in seconds or as a date", () => {
    expect(nextDelay(DEFAULT_RETRY, { retry: 1, elapsedMs: 0, retryAfterMs: 3000 }, () => 0)).toBe(3000);
    expect(
      nextDelay(DEFAULT_RETRY, { retry: 1, elapsedMs: 0, retryAfterMs: 40_000 }, () => 0),
    ).toBeUndefined();
    const now = Date.parse("2026-12-06T10:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter("Sun, 06 Dec 2026 10:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
