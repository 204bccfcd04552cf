import { describe, expect, it } from "vitest";
import { StoreError, parseStoreConfig, storeKey, type StoreConfig } from "../src/index.js";

const where = 'jobs[2] "search".store';

function refusal(value: unknown): StoreError {
  try {
    parseStoreConfig(value, where, { baseDir: "/etc/rdg" });
  } catch (error) {
    expect(StoreError.isInstance(error)).toBe(true);
    expect((error as StoreError).code).toBe("INVALID_ARGUMENT");
    return error as StoreError;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe("parseStoreConfig", () => {
  it("accepts each kind, fills nothing it was not given, and resolves a relative LMDB path against baseDir", () => {
    const parse = (v: unknown): StoreConfig => parseStoreConfig(v, where, { baseDir: "/etc/rdg" });
    expect(parse({ kind: "lmdb", path: ".data/g", noSync: true })).toEqual({ kind: "lmdb", path: "/etc/rdg/.data/g", noSync: true });
    expect(parse({ kind: "lmdb", path: "/var/lib/rdg" })).toEqual({ kind: "lmdb", path: "/var/lib/rdg" });
    expect(parse({ kind: "redis", url: "redis://127.0.0.1:16379", keyPrefix: "g1:" })).toEqual({ kind: "redis", url: "redis://127.0.0.1:16379", keyPrefix: "g1:" });
    expect(parse({ kind: "redis-cluster", nodes: ["127.0.0.1:17001", "127.0.0.1:17002"] })).toEqual({ kind: "redis-cluster", nodes: ["127.0.0.1:17001", "127.0.0.1:17002"] });
    const c = { kind: "cassandra", contactPoints: ["127.0.0.1:19042", "cass-2"], keyspace: "rdg_graph", localDataCenter: "dc1", consistency: "localOne", replicationFactor: 3 };
    expect(parse(c)).toEqual(c);
    expect(Object.isFrozen(parse(c))).toBe(true);
  });

  it.each([
    ["not an object", "redis://x", `${where}: must be an object with "kind"`],
    ["an array", [], `${where}: must be an object with "kind" (lmdb, redis, redis-cluster, cassandra), got an array`],
    ["no kind", { path: "x" }, `${where}.kind: must be one of "lmdb", "redis", "redis-cluster", "cassandra", got nothing`],
    ["an unknown kind", { kind: "postgres" }, `${where}.kind: must be one of "lmdb", "redis", "redis-cluster", "cassandra", got "postgres"`],
    ["an unknown field", { kind: "lmdb", path: "x", nosync: true }, `${where}.nosync: is not a field of a lmdb store; its fields are kind, path, noSync`],
    ["a field of another kind", { kind: "redis", url: "redis://h:1", keyspace: "k" }, `${where}.keyspace: is not a field of a redis store`],
    ["an LMDB store without path", { kind: "lmdb" }, `${where}.path: is missing; give the directory of the graph`],
    ["an empty LMDB path", { kind: "lmdb", path: " " }, `${where}.path: must be a non-empty string, got " "`],
    ["noSync not a boolean", { kind: "lmdb", path: "x", noSync: "yes" }, `${where}.noSync: must be true or false, got "yes"`],
    ["a Redis url that is not one", { kind: "redis", url: "127.0.0.1:16379" }, `${where}.url: must be a Redis URL, redis://host:port`],
    ["an empty key prefix", { kind: "redis", url: "redis://h:1", keyPrefix: "" }, `${where}.keyPrefix: must be a non-empty string`],
    ["cluster nodes missing", { kind: "redis-cluster" }, `${where}.nodes: is missing; give host:port of each`],
    ["cluster nodes empty", { kind: "redis-cluster", nodes: [] }, `${where}.nodes: must be a non-empty array, got an array`],
    ["a cluster node without port", { kind: "redis-cluster", nodes: ["127.0.0.1:17001", "h"] }, `${where}.nodes[1]: must be host:port, e.g. 127.0.0.1:17001, got "h"`],
    ["a port out of range", { kind: "redis-cluster", nodes: ["h:70000"] }, `${where}.nodes[0]: must be host:port`],
    ["contact points not an array", { kind: "cassandra", contactPoints: "127.0.0.1", keyspace: "k" }, `${where}.contactPoints: must be a non-empty array, got "127.0.0.1"`],
    ["a contact point that is a number", { kind: "cassandra", contactPoints: [9042], keyspace: "k" }, `${where}.contactPoints[0]: must be host or host:port, e.g. 127.0.0.1:19042, got 9042`],
    ["no keyspace", { kind: "cassandra", contactPoints: ["h"] }, `${where}.keyspace: is missing; give the keyspace`],
    ["a keyspace Cassandra refuses", { kind: "cassandra", contactPoints: ["h"], keyspace: "my-graph" }, `${where}.keyspace: must be a Cassandra name (a letter, then letters, digits or _, 48 at most), got "my-graph"`],
    ["an unknown consistency", { kind: "cassandra", contactPoints: ["h"], keyspace: "k", consistency: "LOCAL_QUORUM" }, `${where}.consistency: must be one of any, one, two, three, quorum, all, localQuorum, eachQuorum, localOne, got "LOCAL_QUORUM"`],
    ["a replication factor of 0", { kind: "cassandra", contactPoints: ["h"], keyspace: "k", replicationFactor: 0 }, `${where}.replicationFactor: must be a positive integer, got 0`],
    ["an empty data center", { kind: "cassandra", contactPoints: ["h"], keyspace: "k", localDataCenter: "" }, `${where}.localDataCenter: must be a non-empty string`],
  ])("refuses %s, naming the field", (_what, value, message) => {
    const e = refusal(value);
    expect(e.message).toContain(`[stores] ${message}`);
    expect(e.message.startsWith(`[stores] ${e.field}: `)).toBe(true);
  });
});

describe("storeKey", () => {
  it("is the same for the same place whatever the other options, and differs between places", () => {
    const key = (v: unknown): string => storeKey(parseStoreConfig(v, "store", { baseDir: "/x" }));
    expect(key({ kind: "lmdb", path: "g" })).toBe(key({ kind: "lmdb", path: "/x/g", noSync: true }));
    expect(key({ kind: "redis", url: "redis://h:1" })).toBe(key({ kind: "redis", url: "redis://h:1", keyPrefix: "rdg:" }));
    expect(key({ kind: "redis", url: "redis://h:1" })).not.toBe(key({ kind: "redis", url: "redis://h:1", keyPrefix: "other:" }));
    expect(key({ kind: "redis-cluster", nodes: ["a:1", "b:2"] })).toBe(key({ kind: "redis-cluster", nodes: ["b:2", "a:1"] }));
    expect(key({ kind: "cassandra", contactPoints: ["a"], keyspace: "k", consistency: "one" })).toBe(key({ kind: "cassandra", contactPoints: ["a"], keyspace: "k" }));
    expect(key({ kind: "cassandra", contactPoints: ["a"], keyspace: "k" })).not.toBe(key({ kind: "cassandra", contactPoints: ["a"], keyspace: "k2" }));
  });
});
