import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ERROR_STATUS,
  MODEL_ERROR_CODES,
  ModelError,
  RdgError,
  errorInfo,
  formatErrorMessage,
  httpStatusOf,
  isInputError,
  type RdgErrorCode,
} from "../src/index.js";

describe("RdgError", () => {
  it("is the base of ModelError, by instanceof and by marker", () => {
    const e = new ModelError("VALIDATION", "edge watched.time", "is wrong; fix it", { cause: new Error("inner") });
    expect(e).toBeInstanceOf(RdgError);
    expect(e).toBeInstanceOf(Error);
    expect(RdgError.isInstance(e) && ModelError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ code: "VALIDATION", field: "edge watched.time", isRetryable: false, name: "ModelError" });
    expect(e.message).toBe("[model] edge watched.time: is wrong; fix it");
    expect((e.cause as Error).message).toBe("inner");
  });

  it("recognises an error made by another copy of the package (the Symbol.for marker)", () => {
    const foreign = Object.defineProperty(new Error("x"), Symbol.for("rdg.error"), { value: true });
    expect(RdgError.isInstance(foreign)).toBe(true);
    expect(ModelError.isInstance(foreign)).toBe(false);
    expect(RdgError.isInstance(new Error("plain"))).toBe(false);
    expect(RdgError.isInstance(null)).toBe(false);
  });

  it("formats messages one way", () => {
    expect(formatErrorMessage("kv-redis", "url", "must start with redis://")).toBe("[kv-redis] url: must start with redis://");
    expect(formatErrorMessage("kv", undefined, "closed")).toBe("[kv] closed");
  });
});

describe("ERROR_STATUS", () => {
  const rows = Object.entries(ERROR_STATUS);

  it("gives each code its own meaning, a status and a retry rule", () => {
    expect(new Set(rows.map(([, r]) => r.meaning)).size).toBe(rows.length);
    for (const [code, r] of rows) {
      expect(code).toMatch(/^[A-Z][A-Z_]+$/);
      expect([400, 401, 403, 404, 405, 409, 413, 415, 422, 499, 500, 502, 503, 504]).toContain(r.status);
      // Only codes that blame the server or its stores may be retried; only 4xx codes blame the input.
      if (r.retryable) expect(r.status).toBeGreaterThanOrEqual(500);
      if (r.blamesInput) expect([400, 401, 403, 404, 405, 413, 415, 422]).toContain(r.status);
      expect(r.packages.length).toBeGreaterThan(0);
    }
  });

  it("covers every model code", () => {
    for (const code of MODEL_ERROR_CODES) expect(ERROR_STATUS[code]).toBeDefined();
  });

  it("maps errors to HTTP statuses and input blame", () => {
    const bad = new ModelError("VALIDATION", "f", "x");
    expect(httpStatusOf(bad)).toBe(422);
    expect(errorInfo(bad)).toBe(ERROR_STATUS.VALIDATION);
    expect(isInputError(bad)).toBe(true);
    expect(httpStatusOf(new Error("boom"))).toBe(500);
    expect(isInputError(new Error("boom"))).toBe(false);
    const unknownCode = new RdgError("SOMETHING_NEW", "[x] y");
    expect([httpStatusOf(unknownCode), isInputError(unknownCode)]).toEqual([500, false]);
    const down = new RdgError("CONNECTION", "[kv-redis] down", { retryable: true });
    expect([httpStatusOf(down), isInputError(down)]).toEqual([503, false]);
    // A conflict with stored state is the caller's (409) but not its content's: not an input error.
    const mismatch = new RdgError("SCHEMA_MISMATCH", "[graph] the schema does not match");
    expect([httpStatusOf(mismatch), isInputError(mismatch)]).toEqual([409, false]);
  });

  it("is the table in the README, row for row", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
    const documented = [...readme.matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \| (yes|no) \| (yes|no) \| (\d+) \| ([^|]+) \|$/gm)].map((m) => [
      m[1] as RdgErrorCode,
      { packages: m[2]!.trim().split(", "), retryable: m[3] === "yes", blamesInput: m[4] === "yes", status: Number(m[5]), meaning: m[6]!.trim() },
    ]);
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(rows.map(([c, r]) => [c, { ...r, packages: [...r.packages] }])));
  });
});
