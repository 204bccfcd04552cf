import { describe, expect, it } from "vitest";
import { ERROR_STATUS, MODEL_ERROR_CODES, ModelError, RdgError, type RdgErrorCode } from "@rdg/model";
import {
  InvalidArgumentError,
  InvalidPageTokenError,
  KV_ERROR_CODES,
  KvConnectionError,
  KvError,
  StoreClosedError,
  UnknownNamespaceError,
  ValueTooLargeError,
} from "@rdg/kv";
import { GRAPH_ERROR_CODES, GraphError, type GraphErrorCode } from "@rdg/graph";
import { BadEventError, FileChangedError, INGEST_ERROR_CODES, IngestError, IngestOptionsError, KafkaError } from "../src/index.js";

const GRAPH_CODES: readonly GraphErrorCode[] = GRAPH_ERROR_CODES;

/** One instance of every error class of the packages this one sees, with the base it must keep. */
const samples: [string, RdgError, abstract new (...args: never[]) => RdgError][] = [
  ["ModelError", new ModelError("VALIDATION", "edge watched.time", "is bad"), ModelError],
  ["KvError", new KvError("BACKEND", "[kv-x] boom"), KvError],
  ["InvalidArgumentError", new InvalidArgumentError("limit", "must be positive"), KvError],
  ["ValueTooLargeError", new ValueTooLargeError("ns", 10, 5), KvError],
  ["InvalidPageTokenError", new InvalidPageTokenError("too short"), KvError],
  ["StoreClosedError", new StoreClosedError("kv-memory", "getItems"), KvError],
  ["UnknownNamespaceError", new UnknownNamespaceError("node.x"), KvError],
  ["KvConnectionError", new KvConnectionError("kv-x", "reset"), KvError],
  ["GraphError", new GraphError("INVALID_QUERY", "limit 0 must be an integer from 1 to 10000"), GraphError],
  ["IngestError", new IngestError("BAD_EVENT", "[ingest] x"), IngestError],
  ["BadEventError", new BadEventError("heartbeat event needs profileId", { field: "profileId" }), IngestError],
  ["IngestOptionsError", new IngestOptionsError("batchSize", "must be a positive integer"), IngestError],
  ["KafkaError", new KafkaError("CONNECTION", "[ingest] brokers: cannot reach Kafka at 127.0.0.1:1", { brokers: ["127.0.0.1:1"] }), IngestError],
  ["FileChangedError", new FileChangedError("/tmp/events.jsonl", { line: 3, offset: 120, fingerprint: "f" } as never), IngestError],
];

describe("one error model across packages", () => {
  it("makes every error class an RdgError, keeping its own base and instanceof", () => {
    for (const [name, e, base] of samples) {
      expect(RdgError.isInstance(e), name).toBe(true);
      expect(e, name).toBeInstanceOf(RdgError);
      expect(e, name).toBeInstanceOf(base);
      expect((base as unknown as typeof RdgError).isInstance(e), name).toBe(true);
      expect(e.name, name).toBe(name);
      expect(e.message, name).toMatch(/^\[[\w.-]+\] /);
      expect(ERROR_STATUS[e.code as RdgErrorCode], `${name} ${e.code}`).toBeDefined();
      expect(e.isRetryable, name).toBe(ERROR_STATUS[e.code as RdgErrorCode].retryable);
    }
    // A package's marker is its own: a KvError is not a ModelError, whatever the shared base.
    expect(ModelError.isInstance(new KvError("BACKEND", "x"))).toBe(false);
    expect(GraphError.isInstance(new IngestError("BAD_EVENT", "x"))).toBe(false);
  });

  it("has a table row for every code of the packages this one sees (apps/rdg checks that no row lacks a package)", () => {
    const used = new Set<string>([...MODEL_ERROR_CODES, ...KV_ERROR_CODES, ...GRAPH_CODES, ...INGEST_ERROR_CODES]);
    expect([...used].filter((c) => !(c in ERROR_STATUS))).toEqual([]);
    // Unique per meaning: no two codes say the same thing.
    const meanings = Object.values(ERROR_STATUS).map((r) => r.meaning);
    expect(new Set(meanings).size).toBe(meanings.length);
  });

  it("names the field at fault in option and event errors", () => {
    expect(new IngestOptionsError("batchSize", "must be a positive integer, got 0")).toMatchObject({
      field: "batchSize", code: "INVALID_ARGUMENT", message: "[ingest] batchSize: must be a positive integer, got 0",
    });
    expect(new BadEventError("heartbeat event needs profileId", { field: "profileId" })).toMatchObject({ field: "event.profileId", code: "BAD_EVENT" });
  });
});
