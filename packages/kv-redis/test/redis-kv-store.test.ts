import assert from "node:assert/strict";
import { seededRandom } from "@rdg/model";
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, it } from "vitest";
import { KvError, MemoryKvStore, type Item, type KvOperation, type KvStore } from "@rdg/kv";
import { RedisKvStore, RedisOptionsError } from "../src/index.js";
import { tagSlot } from "../src/layout/cluster-slot.js";
import { BACKENDS, CLUSTER_NODES, SINGLE_URL, requireCluster, requireSingle } from "./redis-test-servers.js";

const run = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const NS = `${run}.plain`;
const COUNTED = `${run}.counted`;
const TTL = `${run}.ttl`;
const namespaces = { [COUNTED]: { countItems: true }, [TTL]: { ttlMs: 60_000 } };
const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");
const show = (items: readonly Item[]): string[] => items.map((i) => `${text(i.key)}=${text(i.value)}@${i.writeTime}`);

/** Random batches over few records, keys and times, so that ties, tombstones and range deletes meet. */
function randomBatches(seed: number, ns: string, ids: readonly string[], count: number): KvOperation[][] {
  const r = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const keys = [Uint8Array.of(0), Uint8Array.of(1), Uint8Array.of(1, 0), Uint8Array.of(0x7f), Uint8Array.of(0x80), Uint8Array.of(0xff), Uint8Array.of(0xff, 0xff)];
  const values = [Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(0x80), Uint8Array.of(0xff, 0), Uint8Array.of(0xff)];
  // Times differing in the high and the low 32 bits, to check the Lua time order.
  const times = [5n, 6n, 7n, 1n << 32n, (1n << 32n) + 1n, (1n << 33n) - 1n, 0x7fffffffffffffffn];
  const batches: KvOperation[][] = [];
  for (let i = 0; i < count; i++) {
    const batch: KvOperation[] = [];
    const size = 1 + Math.floor(r() * 4);
    for (let j = 0; j < size; j++) {
      const id = pick(ids);
      const writeTime = pick(times);
      const x = r();
      if (x < 0.55) {
        const n = 1 + Math.floor(r() * 3);
        batch.push({ op: "put", ns, id, writeTime, items: Array.from({ length: n }, () => ({ key: pick(keys), value: pick(values), ...(r() < 0.2 ? { writeTime: pick(times) } : {}) })) });
      } else if (x < 0.8) {
        batch.push({ op: "deleteItems", ns, id, writeTime, keys: [pick(keys), pick(keys)] });
      } else if (x < 0.93) {
        const [s, e] = [pick(keys), pick(keys)];
        batch.push({ op: "deleteItems", ns, id, writeTime, range: { start: r() < 0.2 ? undefined : s, end: r() < 0.2 ? undefined : e } });
      } else {
        batch.push({ op: "deleteRecord", ns, id, writeTime });
      }
    }
    batches.push(batch);
  }
  return batches;
}

async function readAll(store: KvStore, ns: string, id: string, reverse = false): Promise<Item[]> {
  const out: Item[] = [];
  let pageToken: string | undefined;
  do {
    const page = await store.getItems(ns, id, { reverse, limit: 2, pageToken });
    out.push(...page.items);
    pageToken = page.next;
  } while (pageToken !== undefined);
  return out;
}

for (const [name, backend] of Object.entries(BACKENDS)) {
  describe(`redis ${name}: beyond the shared suite`, () => {
    let store: RedisKvStore;
    beforeAll(async () => {
      await backend.require();
      store = new RedisKvStore({ ...backend.options, namespaces });
      await store.ping();
    });
    afterAll(async () => {
      await store?.close();
    });

    it("converges to the same state as the in-memory reference store, for random batches", async () => {
      const memory = new MemoryKvStore({ namespaces });
      let seen = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const ns = seed % 2 === 0 ? NS : COUNTED;
        // Fresh records per seed: a record delete at the largest time would freeze a record for good.
        const ids = ["a", "b}x", "c{y}%7D"].map((id) => `${id}-${seed}`);
        for (const batch of randomBatches(seed, ns, ids, 40)) {
          await memory.mutate(batch);
          await store.mutate(batch);
        }
        for (const id of ids) {
          const expected = show(memory.getItems(ns, id).items);
          seen += expected.length;
          assert.deepEqual(show(await readAll(store, ns, id)), expected, `${ns} ${id} forward`);
          assert.deepEqual(show(await readAll(store, ns, id, true)), [...expected].reverse(), `${ns} ${id} reverse`);
          assert.equal(await store.countItems(ns, id), memory.countItems(ns, id), `${ns} ${id} count`);
        }
      }
      assert.ok(seen > 30, `only ${seen} live items in the end: the random operations test too little`);
      await memory.close();
    });

    it("applies several operations of one record in one batch in call order", async () => {
      const id = "batch-order";
      await store.mutate([
        { op: "put", ns: NS, id, items: [{ key: b("a"), value: b("1") }, { key: b("b"), value: b("1") }], writeTime: 10n },
        { op: "deleteItems", ns: NS, id, range: { start: b("a"), end: b("b") }, writeTime: 20n },
        { op: "put", ns: NS, id, items: [{ key: b("a"), value: b("late") }], writeTime: 15n },
        { op: "put", ns: NS, id, items: [{ key: b("c"), value: b("3") }], writeTime: 30n },
        { op: "deleteItems", ns: NS, id, keys: [b("c")], writeTime: 30n },
      ]);
      assert.deepEqual(show((await store.getItems(NS, id)).items), ["b=1@10"]);
    });

    it("keeps ids with braces and percent signs apart and scans them back unchanged", async () => {
      const ids = ["x}", "x%7D", "x%", "{x}", "}", "é/ü"];
      for (const id of ids) await store.putItems(`${run}.ids`, id, [{ key: b("k"), value: b(id) }]);
      for (const id of ids) assert.deepEqual((await store.getItems(`${run}.ids`, id)).items.map((i) => Buffer.from(i.value).toString()), [id]);
      const seen: string[] = [];
      for await (const record of store.scan(`${run}.ids`)) seen.push(record.id);
      assert.deepEqual(seen.sort(), [...ids].sort());
    });

    it("stores binary values whole and reads chosen keys in key order", async () => {
      const id = "binary";
      const value = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
      await store.putItems(NS, id, [{ key: Uint8Array.of(0xff, 0), value }, { key: Uint8Array.of(0), value: new Uint8Array(0) }]);
      const page = await store.getItems(NS, id, { keys: [Uint8Array.of(0xff, 0), Uint8Array.of(0), Uint8Array.of(0)] });
      assert.deepEqual(page.items.map((i) => [...i.key]), [[0], [0xff, 0]]);
      assert.deepEqual([...page.items[1]!.value], [...value]);
      assert.equal(page.items[0]!.value.length, 0);
    });

    it("skips expired items inside a page and still finds the live ones after them", async () => {
      const id = "expired-run";
      const dead = Array.from({ length: 30 }, (_, i) => ({ key: b(`a${String(i).padStart(2, "0")}`), value: b("x"), ttlMs: 30 }));
      await store.putItems(NS, id, [...dead, { key: b("b1"), value: b("1") }, { key: b("b2"), value: b("2") }, { key: b("b3"), value: b("3") }]);
      await new Promise((r) => setTimeout(r, 100));
      const first = await store.getItems(NS, id, { limit: 2 });
      assert.deepEqual(first.items.map((i) => text(i.key)), ["b1", "b2"]);
      assert.ok(first.next !== undefined);
      const rest = await store.getItems(NS, id, { limit: 2, pageToken: first.next });
      assert.deepEqual(rest.items.map((i) => text(i.key)), ["b3"]);
      assert.equal(rest.next, undefined);
      const back = await store.getItems(NS, id, { reverse: true, limit: 5 });
      assert.deepEqual(back.items.map((i) => text(i.key)), ["b3", "b2", "b1"]);
      assert.equal(back.next, undefined, "no token when only expired items follow");
    });

    it("loads its scripts again after Redis forgot them (SCRIPT FLUSH)", async () => {
      const client = store.client;
      const nodes = client.isCluster ? (client as Cluster).nodes("master") : [client as Redis];
      await Promise.all(nodes.map((node) => node.script("FLUSH")));
      await store.putItems(NS, "flushed", [{ key: b("k"), value: b("v") }]);
      assert.equal(await store.countItems(NS, "flushed"), 1);
    });

    it("counts by reading in namespaces without a kept count, skipping expired items", async () => {
      const id = "count-read";
      await store.putItems(NS, id, [{ key: b("a"), value: b("1") }, { key: b("b"), value: b("1"), ttlMs: 400 }]);
      assert.equal(await store.countItems(NS, id), 2);
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(await store.countItems(NS, id), 1);
    });

    it("lets a record whose values all have a TTL expire as a whole, after the grace", async () => {
      // ioredis Redis and Cluster share these commands; the cast only picks one declaration.
      const client = store.client as Redis;
      const keys = store.recordKeys(TTL, "expiring");
      await store.putItems(TTL, "expiring", [{ key: b("a"), value: b("1") }]);
      const pttl = await client.pttl(keys.entries);
      // The item's TTL plus the grace (one day), plus a quarter so that later writes rarely extend it.
      assert.ok(pttl > 60_000 + 86_400_000 && pttl <= 60_000 + 86_400_000 * 1.25, `PTTL ${pttl}`);
      assert.ok(Math.abs((await client.pttl(keys.items)) - pttl) < 5000, "the items set expires with the hash");
      // A value without a TTL makes the record permanent again.
      const mixed = store.recordKeys(NS, "mixed");
      await store.putItems(NS, "mixed", [{ key: b("a"), value: b("1") }], { ttlMs: 60_000 });
      assert.ok((await client.pttl(mixed.entries)) > 0);
      await store.putItems(NS, "mixed", [{ key: b("b"), value: b("1") }]);
      assert.equal(await client.pttl(mixed.entries), -1);
      assert.equal(await client.pttl(mixed.items), -1);
      const short = new RedisKvStore({ ...backend.options, expiredRecordGraceMs: 200 });
      try {
        // Keys expire 400 ms + 1.25 * 200 ms after the write.
        await short.putItems(NS, "short", [{ key: b("a"), value: b("1"), ttlMs: 400 }]);
        const gone = short.recordKeys(NS, "short");
        assert.equal(await client.exists(gone.items), 1);
        await new Promise((r) => setTimeout(r, 1000));
        assert.equal(await client.exists(gone.items) + await client.exists(gone.entries), 0, "the record's keys are gone");
      } finally {
        await short.close();
      }
    });
  });
}

describe("redis cluster: slots", () => {
  beforeAll(requireCluster);

  it("keeps the keys of a record in one slot, whatever its id holds", async () => {
    const store = new RedisKvStore({ clusterNodes: CLUSTER_NODES });
    try {
      await store.ping();
      const client = store.client as Cluster;
      for (const id of ["plain", "a}b", "{tag}", "}", "%7D", "x".repeat(400)]) {
        const keys = store.recordKeys(NS, id);
        const slots = await Promise.all([keys.items, keys.entries, keys.count].map((k) => client.cluster("KEYSLOT", k)));
        assert.equal(new Set(slots).size, 1, `${id}: slots ${slots.join(", ")}`);
      }
      // Different records spread over the slots rather than sharing one.
      const slots = new Set<unknown>();
      for (let i = 0; i < 50; i++) slots.add(await client.cluster("KEYSLOT", store.recordKeys(NS, `}r${i}`).items));
      assert.ok(slots.size > 40, `50 records use only ${slots.size} slots`);
    } finally {
      await store.close();
    }
  });
});

describe("redis cluster: writes grouped per node", () => {
  beforeAll(requireCluster);
  const ids = Array.from({ length: 600 }, (_, i) => `grouped-${i}`);
  const tagOf = (key: string): string => key.slice(key.indexOf("{") + 1, key.indexOf("}", key.indexOf("{")));
  // Each test writes later than the one before, so its values win.
  let writeTime = 10n;
  const batchOf = (ns: string, value: string): KvOperation[] => {
    writeTime++;
    return ids.map((id) => ({ op: "put", ns, id, items: [{ key: b("k"), value: b(value) }], writeTime }));
  };

  /** A store on a cluster client whose script calls are counted (EVALSHA; EVAL only loads a script). */
  async function countedStore(options: { groupClusterWrites?: boolean } = {}): Promise<{ store: RedisKvStore; client: Cluster; calls: number[] }> {
    const client = new Cluster([...CLUSTER_NODES], { enableAutoPipelining: true });
    const calls: number[] = [];
    const evalsha = client.evalsha.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { evalsha: (...args: unknown[]) => Promise<unknown> }).evalsha = (...args) => {
      calls.push(Number(args[1]));
      return evalsha(...args);
    };
    const store = new RedisKvStore({ client, ...options });
    await store.ping();
    return { store, client, calls };
  }

  async function expectAll(store: RedisKvStore, ns: string, value: string): Promise<void> {
    const pages = await Promise.all(ids.map((id) => store.getItems(ns, id)));
    pages.forEach((page, i) => assert.deepEqual(page.items.map((item) => text(item.value)), [value], ids[i]));
  }

  it("computes the slot of a record as the cluster does", async () => {
    const { store, client } = await countedStore();
    try {
      for (const id of ["plain", "a}b", "{tag}", "}", "%7D", "é/ü", "\u{1f600}", "x".repeat(300), ...ids.slice(0, 40)]) {
        const expected = await client.cluster("KEYSLOT", store.recordKeys(NS, id).items);
        assert.equal(tagSlot(tagOf(store.recordKeys(NS, id).items)), expected, id);
      }
    } finally {
      await store.close();
      client.disconnect();
    }
  });

  it("sends a batch's records as one script call per master, 200 records at most", async () => {
    const { store, client, calls } = await countedStore();
    try {
      await store.mutate(batchOf(NS, "one"));
      const masters = client.nodes("master").length;
      // 600 records over the masters: about 600 / masters each, cut into calls of 200.
      assert.ok(calls.length >= masters && calls.length <= masters + Math.ceil(600 / 200), `${calls.length} calls for ${masters} masters`);
      assert.ok(calls.every((keys) => keys === 1), "each call declares one key, to route it");
      await expectAll(store, NS, "one");
    } finally {
      await store.close();
      client.disconnect();
    }
  });

  it("falls back to a call per record when its slot map is stale, and writes every record", async () => {
    const { store, client, calls } = await countedStore();
    try {
      // A stale slot map (ioredis 6 keeps it twice: node per slot, and pipeline group per
      // slot): every slot on the first master. The grouped calls for the other masters' records
      // meet a MOVED for their routing key, which ioredis follows, and then keys the new node
      // does not serve either ("non local key").
      const groups = (client as unknown as { _groupsBySlot: number[] })._groupsBySlot;
      const firstSlot = client.slots.findIndex((nodes) => nodes !== undefined);
      const first = client.slots[firstSlot]!;
      for (let slot = 0; slot < client.slots.length; slot++) {
        client.slots[slot] = first;
        groups[slot] = groups[firstSlot]!;
      }
      await store.mutate(batchOf(NS, "two"));
      assert.ok(calls.length > 600, `${calls.length} calls: the records went again one call each`);
      await expectAll(store, NS, "two");
    } finally {
      await store.close();
      client.disconnect();
    }
  });

  it("with groupClusterWrites: false, groups only the records of one slot", async () => {
    const { store, client, calls } = await countedStore({ groupClusterWrites: false });
    try {
      await store.mutate(batchOf(NS, "three"));
      const slots = new Set(ids.map((id) => tagSlot(tagOf(store.recordKeys(NS, id).items))));
      assert.equal(calls.length, slots.size);
      await expectAll(store, NS, "three");
    } finally {
      await store.close();
      client.disconnect();
    }
  });
});

describe("redis: clients and options", () => {
  beforeAll(requireSingle);

  it("uses a ready client and leaves it open", async () => {
    const client = new Redis(SINGLE_URL);
    try {
      const store = new RedisKvStore({ client });
      await store.putItems(NS, "shared-client", [{ key: b("k"), value: b("v") }]);
      assert.equal((await store.getItems(NS, "shared-client")).items.length, 1);
      await store.close();
      assert.equal(await client.ping(), "PONG", "the caller's client is still open");
      await assert.rejects(() => store.getItems(NS, "shared-client"), (e: unknown) => KvError.isInstance(e) && e.code === "STORE_CLOSED");
    } finally {
      client.disconnect();
    }
  });

  it("uses a ready cluster client and leaves it open", async () => {
    await requireCluster();
    const client = new Cluster([...CLUSTER_NODES]);
    try {
      const store = new RedisKvStore({ client, namespaces });
      await store.putItems(COUNTED, "shared-cluster", [{ key: b("k"), value: b("v") }]);
      assert.equal(await store.countItems(COUNTED, "shared-cluster"), 1);
      await store.close();
      assert.equal(await client.ping(), "PONG");
    } finally {
      client.disconnect();
    }
  });

  it("refuses bad options with a clear error", () => {
    const refuses = (options: unknown, pattern: RegExp): void => {
      assert.throws(() => new RedisKvStore(options as never), (e: unknown) => {
        assert.ok(e instanceof RedisOptionsError, String(e));
        assert.equal(e.code, "INVALID_ARGUMENT");
        // One format for option errors: [kv-redis] <option>: <what is wrong>; <what to do>.
        assert.ok(e.message.startsWith(`[kv-redis] ${e.field}: `), e.message);
        assert.match(e.message, pattern);
        return true;
      });
    };
    refuses({}, /exactly one of "client", "url" or "clusterNodes" \(got none\)/);
    refuses({ url: SINGLE_URL, clusterNodes: CLUSTER_NODES }, /exactly one .* \(got 2\)/);
    refuses({ url: "127.0.0.1:16379" }, /url: must start with redis:\/\//);
    refuses({ clusterNodes: [] }, /clusterNodes: must be a non-empty array/);
    refuses({ url: SINGLE_URL, groupClusterWrites: "yes" as unknown as boolean }, /groupClusterWrites: must be true or false/);
    refuses({ client: {} }, /client: must be an ioredis/);
    refuses({ url: SINGLE_URL, keyPrefix: "a{b" }, /keyPrefix: must be a string without/);
    refuses({ url: SINGLE_URL, expiredRecordGraceMs: -1 }, /expiredRecordGraceMs: must be/);
    const prefixed = new Redis(SINGLE_URL, { keyPrefix: "app:", lazyConnect: true });
    refuses({ client: prefixed }, /client: sets ioredis' keyPrefix "app:"/);
    refuses({ url: SINGLE_URL, redisOptions: { keyPrefix: "app:" } }, /redisOptions\.keyPrefix: ioredis' keyPrefix "app:"/);
    prefixed.disconnect();
  });

  it("keeps stores with different key prefixes apart", async () => {
    const a = new RedisKvStore({ url: SINGLE_URL, keyPrefix: "rdg-a:" });
    const c = new RedisKvStore({ url: SINGLE_URL, keyPrefix: "rdg*c:" });
    try {
      await a.putItems(NS, "prefixed", [{ key: b("k"), value: b("a") }]);
      await c.putItems(NS, "prefixed", [{ key: b("k"), value: b("c") }]);
      assert.deepEqual((await a.getItems(NS, "prefixed")).items.map((i) => text(i.value)), ["a"]);
      const scanned: string[] = [];
      for await (const record of c.scan(NS)) scanned.push(`${record.id}=${text(record.items[0]!.value)}`);
      assert.deepEqual(scanned, ["prefixed=c"]);
    } finally {
      await a.close();
      await c.close();
    }
  });
});
