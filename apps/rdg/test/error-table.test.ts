import { describe, expect, it } from "vitest";
import { GRAPH_ERROR_CODES } from "@rdg/graph";
import { INGEST_ERROR_CODES } from "@rdg/ingest";
import { KV_ERROR_CODES } from "@rdg/kv";
import { ERROR_STATUS, MODEL_ERROR_CODES } from "@rdg/model";
import { SERVER_ERROR_CODES } from "@rdg/server";

// The one table from error codes to HTTP statuses (in @rdg/model) against the codes every
// package declares: here, where every package is in sight, so a row nobody uses shows up.
describe("the error-status table", () => {
  it("has a row for every code of every package, and no row without a package", () => {
    const used = new Set<string>([...MODEL_ERROR_CODES, ...KV_ERROR_CODES, ...GRAPH_ERROR_CODES, ...INGEST_ERROR_CODES, ...SERVER_ERROR_CODES]);
    expect([...used].filter((c) => !(c in ERROR_STATUS))).toEqual([]);
    expect(Object.keys(ERROR_STATUS).filter((c) => !used.has(c))).toEqual([]);
  });
});
