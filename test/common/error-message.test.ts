import { describe, expect, it } from "vitest";
import { errorMessage, plainErrorMessage } from "../../src/common/error-message.ts";

describe("errorMessage", () => {
  it("keeps the first line of the message", () => {
    expect(errorMessage(new Error("refused\n  missing rule: get pods"))).toBe("refused");
  });

  it("names JavaScript's own error types", () => {
    expect(errorMessage(new TypeError("x is not a function"))).toBe("TypeError: x is not a function");
  });

  it("falls back to the error's name when the message is empty", () => {
    expect(errorMessage(new RangeError(""))).toBe("RangeError: RangeError");
  });

  it("turns anything else thrown into a string", () => {
    expect(errorMessage("plain text")).toBe("plain text");
    expect(errorMessage(42)).toBe("42");
  });
});

describe("plainErrorMessage", () => {
  it("keeps every line and adds no name", () => {
    const message = "refused\n  missing rule: get pods";
    expect(plainErrorMessage(new Error(message))).toBe(message);
    expect(plainErrorMessage(new TypeError("x is not a function"))).toBe("x is not a function");
  });

  it("turns anything else thrown into a string", () => {
    expect(plainErrorMessage(undefined)).toBe("undefined");
  });
});
