import { describe, expect, it } from "vitest";
import { ERROR_STATUS, RdgError } from "@rdg/model";
import {
  InvalidArgumentError,
  InvalidPageTokenError,
  KV_ERROR_CODES,
  KvConnectionError,
  KvError,
  MemoryKvStore,
  StoreClosedError,
  UnknownNamespaceError,
  ValueTooLargeError,
  decodePageToken,
} from "../src/index.js";

/** One instance of every error class of @rdg/kv. */
const samples: [string, KvError][] = [
  ["KvError", new KvError("BACKEND", "[kv-x] boom")],
  ["InvalidArgumentError", new InvalidArgumentError("namespace", "must be 1-120 characters")],
  ["ValueTooLargeError", new ValueTooLargeError("ns", 10, 5)],
  ["InvalidPageTokenError", new InvalidPageTokenError("too short")],
  ["StoreClosedError", new StoreClosedError("kv-memory", "getItems")],
  ["UnknownNamespaceError", new UnknownNamespaceError("node.x")],
  ["KvConnectionError", new KvConnectionError("kv-x", "connection reset")],
];

describe("KV errors", () => {
  it("are RdgErrors and KvErrors, with a code of the one table and its retry rule", () => {
    for (const [name, e] of samples) {
      expect(e, name).toBeInstanceOf(RdgError);
      expect(e, name).toBeInstanceOf(KvError);
      expect(RdgError.isInstance(e) && KvError.isInstance(e), name).toBe(true);
      expect(e.name, name).toBe(name);
      expect(ERROR_STATUS[e.code], name).toBeDefined();
      expect(e.isRetryable, name).toBe(ERROR_STATUS[e.code].retryable);
      expect(e.message, name).toMatch(/^\[[\w.-]+\] /);
    }
    for (const code of KV_ERROR_CODES) expect(ERROR_STATUS[code], code).toBeDefined();
  });

  it("name the argument at fault: [origin] field: problem", () => {
    const e = new InvalidArgumentError("keyPrefix", "must not contain {", { origin: "kv-redis" });
    expect([e.message, e.field, e.argument]).toEqual(["[kv-redis] keyPrefix: must not contain {", "keyPrefix", "keyPrefix"]);
    // The older call form, with the origin at the head of the message, reads the same.
    expect(new InvalidArgumentError("options", '[kv-lmdb] give exactly one of "path" or "database"').message).toBe('[kv-lmdb] options: give exactly one of "path" or "database"');
    expect(new InvalidPageTokenError("too short").message).toMatch(/^\[kv\] pageToken: too short; pass the token/);
  });

  it("are what the stores throw", async () => {
    const store = new MemoryKvStore({ namespaces: { small: { maxValueBytes: 4 } } });
    const tooLarge = await Promise.resolve().then(() => store.putItems("small", "r", [{ key: Uint8Array.of(1), value: new Uint8Array(5) }])).catch((e: unknown) => e);
    expect(tooLarge).toBeInstanceOf(ValueTooLargeError);
    expect(RdgError.isInstance(tooLarge) && tooLarge.code).toBe("VALUE_TOO_LARGE");
    const badNs = await Promise.resolve().then(() => store.getItems("bad ns!", "r")).catch((e: unknown) => e);
    expect(badNs).toMatchObject({ code: "INVALID_ARGUMENT", field: "namespace" });
    expect(() => decodePageToken("!!", 0)).toThrow(InvalidPageTokenError);
    await store.close();
  });
});
