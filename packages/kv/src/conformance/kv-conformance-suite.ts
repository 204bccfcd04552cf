import type { Item, ItemInput, KvStore, NamespaceConfig } from "../contract/kv-types.js";
import { KV_LIMITS } from "../contract/validate-arguments.js";
import { assert, rejectsWithCode, show } from "./assertions.js";
import type { ConformanceOptions, SuiteApi, SuiteNamespaces } from "./suite-types.js";

const enc = new TextEncoder();
const b = (s: string): Uint8Array => enc.encode(s);
const item = (key: string, value: string, extra: Partial<ItemInput> = {}): ItemInput => ({ key: b(key), value: b(value), ...extra });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function readAll(store: KvStore, ns: string, id: string, query: { reverse?: boolean; limit?: number; pageBytes?: number } = {}): Promise<Item[]> {
  const out: Item[] = [];
  let pageToken: string | undefined;
  do {
    const page = await store.getItems(ns, id, { ...query, pageToken });
    if (query.limit !== undefined) assert.ok(page.items.length <= query.limit, `a page of ${page.items.length} items exceeds limit ${query.limit}`);
    if (page.next !== undefined) assert.ok(page.items.length > 0, "a page with a next token holds at least one item");
    out.push(...page.items);
    pageToken = page.next;
  } while (pageToken !== undefined);
  return out;
}

/** Every permutation of a short list (up to 5 elements). */
function permutations<T>(list: readonly T[]): T[][] {
  if (list.length <= 1) return [list.slice()];
  return list.flatMap((x, i) => permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/**
 * The one conformance suite of the KV contract. Every store calls it against its real backend:
 *   kvConformanceSuite({ describe, it }, { name: "lmdb", create: (ns) => new LmdbKvStore({ path, namespaces: ns }) })
 */
export function kvConformanceSuite(api: SuiteApi, options: ConformanceOptions): void {
  const run = `c${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const ns: SuiteNamespaces = {
    plain: `${run}.plain`,
    other: `${run}.other`,
    ttl: `${run}.ttl`,
    counted: `${run}.counted`,
    small: `${run}.small`,
  };
  const seconds = options.flags?.ttlGranularity === "s";
  const ttlMs = seconds ? 1000 : 150;
  const ttlWait = seconds ? 2200 : 400;
  const namespaces: Record<string, NamespaceConfig> = {
    [ns.ttl]: { ttlMs },
    [ns.counted]: { countItems: true },
    [ns.small]: { maxValueBytes: 64 },
  };
  const timeout = options.timeoutMs ?? 20_000;
  let seq = 0;
  const rid = (label: string): string => `${label}-${seq++}`;
  const test = (name: string, fn: (store: KvStore) => Promise<void>): void => {
    api.it(name, async () => {
      const store = await options.create(namespaces);
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    }, timeout);
  };

  api.describe(`KV conformance: ${options.name}`, () => {
    api.describe("basics", () => {
      test("puts and reads items, sorted as unsigned bytes", async (store) => {
        const id = rid("sort");
        const keys = [Uint8Array.of(0x80), Uint8Array.of(0x01), Uint8Array.of(0xff, 0x00), Uint8Array.of(0x7f), Uint8Array.of(0x01, 0x00)];
        await store.putItems(ns.plain, id, keys.map((key, i) => ({ key, value: b(`v${i}`) })), { writeTime: 10n });
        const page = await store.getItems(ns.plain, id);
        assert.deepEqual(page.items.map((i) => [...i.key]), [[0x01], [0x01, 0x00], [0x7f], [0x80], [0xff, 0x00]]);
        assert.equal(page.next, undefined);
        assert.equal(page.items[0]!.writeTime, 10n);
      });

      test("reads chosen keys, skipping missing ones", async (store) => {
        const id = rid("keys");
        await store.putItems(ns.plain, id, [item("a", "1"), item("b", "2"), item("c", "3")]);
        const page = await store.getItems(ns.plain, id, { keys: [b("c"), b("zz"), b("a")] });
        assert.deepEqual(show(page.items), ["a=1", "c=3"]);
        const none = await store.getItems(ns.plain, rid("missing"), { keys: [b("a")] });
        assert.deepEqual(none.items, []);
      });

      test("reads the same keys of many records in one call, as getItems would record by record", async (store) => {
        const [x, y, z] = [rid("many"), rid("many"), rid("many")];
        await store.mutate([
          { op: "put", ns: ns.plain, id: x, items: [item("a", "x1"), item("b", "x2"), item("c", "x3")], writeTime: 70n },
          { op: "put", ns: ns.plain, id: z, items: [item("b", "z2")], writeTime: 90n },
          { op: "put", ns: ns.other, id: y, items: [item("a", "other")] },
        ]);
        await store.deleteItems(ns.plain, x, { keys: [b("c")] }, { writeTime: 80n });
        const keys = [b("c"), b("a"), b("b"), b("a")];
        const many = await store.getMany(ns.plain, [z, y, x, z], { keys });
        assert.deepEqual(many.map(show), [["b=z2"], [], ["a=x1", "b=x2"], ["b=z2"]], "per id, in the order of ids, keys sorted, deleted and missing left out");
        assert.equal(many[2]![0]!.writeTime, 70n);
        for (const id of [x, y, z]) assert.deepEqual(show((await store.getMany(ns.plain, [id], { keys }))[0]!), show((await store.getItems(ns.plain, id, { keys })).items));
        // Values stay what they were after later reads (an embedded store may reuse read buffers).
        const first = await store.getMany(ns.plain, [x], { keys: [b("a")] });
        await store.getMany(ns.plain, [z, x], { keys: [b("b")] });
        assert.deepEqual(show(first[0]!), ["a=x1"]);
        assert.deepEqual(await store.getMany(ns.plain, [], { keys }), []);
        await rejectsWithCode(() => store.getMany(ns.plain, [x, ""], { keys }), "INVALID_ARGUMENT", "empty id in getMany");
        await rejectsWithCode(() => store.getMany(ns.plain, "x" as unknown as string[], { keys }), "INVALID_ARGUMENT", "ids not an array");
        await rejectsWithCode(() => store.getMany(ns.plain, [x], { keys: [new Uint8Array(0)] }), "INVALID_ARGUMENT", "empty key in getMany");
        await rejectsWithCode(() => store.getMany(ns.plain, new Array<string>(KV_LIMITS.maxKeysPerQuery + 1).fill(x), { keys }), "INVALID_ARGUMENT", "too many ids");
      });

      test("keeps namespaces and records isolated", async (store) => {
        const id = rid("iso");
        await store.mutate([
          { op: "put", ns: ns.plain, id, items: [item("k", "plain")] },
          { op: "put", ns: ns.other, id, items: [item("k", "other")] },
          { op: "put", ns: ns.plain, id: `${id}x`, items: [item("k", "sibling")] },
        ]);
        assert.deepEqual(show((await store.getItems(ns.plain, id)).items), ["k=plain"]);
        assert.deepEqual(show((await store.getItems(ns.other, id)).items), ["k=other"]);
        await store.deleteRecord(ns.other, id);
        assert.deepEqual(show((await store.getItems(ns.plain, id)).items), ["k=plain"]);
        assert.deepEqual(show((await store.getItems(ns.plain, `${id}x`)).items), ["k=sibling"]);
      });

      test("reads a range forward and in reverse", async (store) => {
        const id = rid("range");
        await store.putItems(ns.plain, id, ["a", "b", "c", "d", "e"].map((k) => item(k, k.toUpperCase())));
        const fwd = await store.getItems(ns.plain, id, { range: { start: b("b"), end: b("e") } });
        assert.deepEqual(show(fwd.items), ["b=B", "c=C", "d=D"]);
        const rev = await store.getItems(ns.plain, id, { range: { start: b("b"), end: b("e") }, reverse: true });
        assert.deepEqual(show(rev.items), ["d=D", "c=C", "b=B"]);
        const open = await store.getItems(ns.plain, id, { range: { start: b("d") } });
        assert.deepEqual(show(open.items), ["d=D", "e=E"]);
      });

      test("scans every record of a namespace once", async (store) => {
        const ids = [rid("scan"), rid("scan"), rid("scan")];
        for (const id of ids) await store.putItems(ns.counted, id, [item("x", id), item("y", id)]);
        const seen = new Map<string, number>();
        for await (const record of store.scan(ns.counted)) {
          if (ids.includes(record.id)) seen.set(record.id, (seen.get(record.id) ?? 0) + record.items.length);
        }
        assert.deepEqual([...seen.entries()].sort(), ids.map((id) => [id, 2]).sort());
      });

      test("counts the live items of a record", async (store) => {
        const id = rid("count");
        await store.putItems(ns.counted, id, [item("a", "1"), item("b", "1"), item("c", "1")], { writeTime: 10n });
        await store.putItems(ns.counted, id, [item("a", "2")], { writeTime: 11n });
        await store.putItems(ns.counted, id, [item("a", "0")], { writeTime: 9n });
        assert.equal(await store.countItems(ns.counted, id), 3);
        await store.deleteItems(ns.counted, id, { keys: [b("b"), b("zz")] }, { writeTime: 12n });
        assert.equal(await store.countItems(ns.counted, id), 2);
        await store.deleteRecord(ns.counted, id, { writeTime: 20n });
        assert.equal(await store.countItems(ns.counted, id), 0);
        await store.putItems(ns.plain, id, [item("a", "1"), item("b", "1")]);
        assert.equal(await store.countItems(ns.plain, id), 2);
      });
    });

    api.describe("last write wins", () => {
      test("last write wins: an older put never replaces a newer one", async (store) => {
        const id = rid("lww");
        await store.putItems(ns.plain, id, [item("k", "new")], { writeTime: 200n });
        await store.putItems(ns.plain, id, [item("k", "old")], { writeTime: 100n });
        assert.deepEqual(show((await store.getItems(ns.plain, id)).items), ["k=new"]);
        await store.putItems(ns.plain, id, [item("k", "newer")], { writeTime: 300n });
        assert.deepEqual(show((await store.getItems(ns.plain, id)).items), ["k=newer"]);
      });

      test("last write wins: any order and duplicates of the same writes converge to one state", async (store) => {
        type W = { key: string; value?: string; time: bigint };
        const writes: W[] = [
          { key: "a", value: "1", time: 10n },
          { key: "a", value: "2", time: 30n },
          { key: "a", time: 20n },
          { key: "b", value: "x", time: 5n },
          { key: "b", time: 6n },
        ];
        const states = new Set<string>();
        let n = 0;
        for (const order of permutations(writes)) {
          if (n++ % 7 !== 0) continue; // 18 of the 120 orders keep the test quick on remote stores
          const id = rid("order");
          const ops = [...order, order[0]!].map((w) =>
            w.value === undefined
              ? ({ op: "deleteItems", ns: ns.plain, id, keys: [b(w.key)], writeTime: w.time } as const)
              : ({ op: "put", ns: ns.plain, id, items: [item(w.key, w.value)], writeTime: w.time } as const),
          );
          for (const op of ops) await store.mutate([op]);
          states.add(JSON.stringify(show((await store.getItems(ns.plain, id)).items)));
        }
        assert.deepEqual([...states], [JSON.stringify(["a=2"])]);
      });

      test("last write wins: equal times resolve the same way in either order", async (store) => {
        for (const [first, second] of [["x", "y"], ["y", "x"]] as const) {
          const id = rid("tie");
          await store.putItems(ns.plain, id, [item("k", first)], { writeTime: 50n });
          await store.putItems(ns.plain, id, [item("k", second)], { writeTime: 50n });
          assert.deepEqual(show((await store.getItems(ns.plain, id)).items), ["k=y"], "the greater value wins a tie");
        }
        for (const deleteFirst of [true, false]) {
          const id = rid("tie-del");
          const put = (): Promise<void> => store.putItems(ns.plain, id, [item("k", "v")], { writeTime: 70n });
          const del = (): Promise<void> => store.deleteItems(ns.plain, id, { keys: [b("k")] }, { writeTime: 70n });
          if (deleteFirst) await del().then(put);
          else await put().then(del);
          assert.deepEqual((await store.getItems(ns.plain, id)).items, [], "a delete wins a tie with a put");
        }
      });

      test("last write wins: a delete older than the put is ignored, a newer one sticks", async (store) => {
        const id = rid("del");
        await store.putItems(ns.plain, id, [item("k", "v1")], { writeTime: 100n });
        await store.deleteItems(ns.plain, id, { keys: [b("k")] }, { writeTime: 50n });
        assert.deepEqual(show((await store.getItems(ns.plain, id)).items), ["k=v1"]);
        await store.deleteItems(ns.plain, id, { keys: [b("k")] }, { writeTime: 150n });
        assert.deepEqual((await store.getItems(ns.plain, id)).items, []);
        await store.putItems(ns.plain, id, [item("k", "late")], { writeTime: 120n });
        assert.deepEqual((await store.getItems(ns.plain, id)).items, [], "a late older put must not resurrect a deleted item");
        await store.putItems(ns.plain, id, [item("k", "v2")], { writeTime: 160n });
        assert.deepEqual(show((await store.getItems(ns.plain, id)).items), ["k=v2"]);
      });

      test("last write wins: a record delete removes what is older and blocks late older puts", async (store) => {
        const id = rid("delrec");
        await store.putItems(ns.plain, id, [item("a", "old", { writeTime: 10n }), item("b", "new", { writeTime: 30n })]);
        await store.deleteRecord(ns.plain, id, { writeTime: 20n });
        assert.deepEqual(show((await store.getItems(ns.plain, id)).items), ["b=new"]);
        await store.putItems(ns.plain, id, [item("c", "late")], { writeTime: 15n });
        assert.deepEqual(show((await store.getItems(ns.plain, id)).items), ["b=new"]);
        await store.putItems(ns.plain, id, [item("c", "fresh")], { writeTime: 25n });
        assert.deepEqual(show((await store.getItems(ns.plain, id)).items), ["b=new", "c=fresh"]);
      });

      test("last write wins: a range delete covers its range only", async (store) => {
        const id = rid("delrange");
        await store.putItems(ns.plain, id, ["a", "b", "c", "d"].map((k) => item(k, k)), { writeTime: 10n });
        await store.deleteItems(ns.plain, id, { range: { start: b("b"), end: b("d") } }, { writeTime: 20n });
        assert.deepEqual(show((await store.getItems(ns.plain, id)).items), ["a=a", "d=d"]);
        await store.putItems(ns.plain, id, [item("bb", "late"), item("e", "outside")], { writeTime: 15n });
        assert.deepEqual(show((await store.getItems(ns.plain, id)).items), ["a=a", "d=d", "e=outside"]);
        await store.putItems(ns.plain, id, [item("c", "fresh")], { writeTime: 25n });
        assert.deepEqual(show((await store.getItems(ns.plain, id)).items), ["a=a", "c=fresh", "d=d", "e=outside"]);
      });
    });

    api.describe("ttl", () => {
      test("expires items by item TTL, write TTL and namespace TTL", async (store) => {
        const id = rid("ttl");
        await store.putItems(ns.plain, id, [item("item", "x", { ttlMs }), item("keep", "x")]);
        await store.putItems(ns.plain, id, [item("write", "x")], { ttlMs });
        await store.putItems(ns.ttl, id, [item("ns", "x"), item("override", "x", { ttlMs: 3_600_000 })]);
        const before = await store.getItems(ns.plain, id);
        assert.deepEqual(show(before.items), ["item=x", "keep=x", "write=x"]);
        assert.ok(before.items[0]!.expiresAt !== undefined && before.items[0]!.expiresAt > Date.now() - 5000);
        assert.equal(before.items[1]!.expiresAt, undefined);
        await sleep(ttlWait);
        assert.deepEqual(show((await store.getItems(ns.plain, id)).items), ["keep=x"]);
        assert.deepEqual(show((await store.getItems(ns.plain, id, { keys: [b("item"), b("write")] })).items), []);
        assert.deepEqual((await store.getMany(ns.plain, [id], { keys: [b("item"), b("keep"), b("write")] })).map(show), [["keep=x"]]);
        assert.deepEqual(show((await store.getItems(ns.ttl, id)).items), ["override=x"]);
        for await (const record of store.scan(ns.ttl)) {
          if (record.id === id) assert.deepEqual(show(record.items), ["override=x"]);
        }
      }, );

      test("an expired item acts as a tombstone at its write time", async (store) => {
        const id = rid("ttl-again");
        await store.putItems(ns.plain, id, [item("k", "first", { ttlMs })], { writeTime: 1000n });
        await sleep(ttlWait);
        await store.putItems(ns.plain, id, [item("k", "older")], { writeTime: 900n });
        assert.deepEqual((await store.getItems(ns.plain, id)).items, [], "an older write does not resurrect an expired item");
        await store.putItems(ns.plain, id, [item("k", "newer")], { writeTime: 1100n });
        assert.deepEqual(show((await store.getItems(ns.plain, id)).items), ["k=newer"]);
      });
    });

    api.describe("pagination", () => {
      const fill = async (store: KvStore, id: string, n: number, valueBytes = 10): Promise<string[]> => {
        const keys = Array.from({ length: n }, (_, i) => `k${String(i).padStart(4, "0")}`);
        await store.putItems(ns.plain, id, keys.map((k) => item(k, k.padEnd(valueBytes, "."))));
        return keys;
      };

      test("pages forward and in reverse without gaps or repeats", async (store) => {
        const id = rid("pages");
        const keys = await fill(store, id, 53);
        const fwd = await readAll(store, ns.plain, id, { limit: 7 });
        assert.deepEqual(fwd.map((i) => new TextDecoder().decode(i.key)), keys);
        const rev = await readAll(store, ns.plain, id, { limit: 10, reverse: true });
        assert.deepEqual(rev.map((i) => new TextDecoder().decode(i.key)), [...keys].reverse());
        const first = await store.getItems(ns.plain, id, { limit: 53 });
        assert.equal(first.items.length, 53);
        assert.equal(first.next, undefined, "no token when nothing follows");
      });

      test("bounds pages by bytes, with at least one item a page", async (store) => {
        const id = rid("bytes");
        const keys = await fill(store, id, 20, 95); // 5-byte key + 95-byte value = 100 bytes an item
        let pageToken: string | undefined;
        const sizes: number[] = [];
        do {
          const page = await store.getItems(ns.plain, id, { pageBytes: 350, pageToken });
          sizes.push(page.items.length);
          pageToken = page.next;
        } while (pageToken !== undefined);
        assert.deepEqual(sizes, [3, 3, 3, 3, 3, 3, 2]);
        const tiny = await store.getItems(ns.plain, id, { pageBytes: 1 });
        assert.equal(tiny.items.length, 1);
        assert.equal(keys.length, 20);
      });

      test("pages over a range in reverse", async (store) => {
        const id = rid("range-pages");
        await fill(store, id, 30);
        const out: string[] = [];
        let pageToken: string | undefined;
        do {
          const page = await store.getItems(ns.plain, id, { range: { start: b("k0005"), end: b("k0020") }, reverse: true, limit: 4, pageToken });
          out.push(...page.items.map((i) => new TextDecoder().decode(i.key)));
          pageToken = page.next;
        } while (pageToken !== undefined);
        assert.deepEqual(out, Array.from({ length: 15 }, (_, i) => `k${String(19 - i).padStart(4, "0")}`));
      });

      test("pages without gaps or repeats while writes continue", async (store) => {
        const id = rid("live");
        const keys = await fill(store, id, 40);
        const seen: string[] = [];
        let pageToken: string | undefined;
        let round = 0;
        do {
          const page = await store.getItems(ns.plain, id, { limit: 6, pageToken });
          seen.push(...page.items.map((i) => new TextDecoder().decode(i.key)));
          pageToken = page.next;
          // Between pages: add keys before and after the cursor, delete one that was already read.
          await store.putItems(ns.plain, id, [item(`k0000-${round}`, "behind"), item(`k9999-${round}`, "ahead")]);
          round++;
        } while (pageToken !== undefined);
        assert.equal(new Set(seen).size, seen.length, "no key twice");
        for (const k of keys) assert.ok(seen.includes(k), `key ${k}, present throughout, was skipped`);
        assert.deepEqual(seen, [...seen].sort(), "keys in order");
      });

      test("refuses a corrupt or foreign page token with a clear error", async (store) => {
        const id = rid("token");
        await fill(store, id, 10);
        const page = await store.getItems(ns.plain, id, { limit: 3 });
        const token = page.next!;
        assert.ok(typeof token === "string");
        const mid = Math.floor(token.length / 2);
        const flipped = token.slice(0, mid) + (token[mid] === "A" ? "B" : "A") + token.slice(mid + 1);
        await rejectsWithCode(() => store.getItems(ns.plain, id, { limit: 3, pageToken: flipped }), "INVALID_PAGE_TOKEN", "corrupt token");
        await rejectsWithCode(() => store.getItems(ns.plain, id, { limit: 3, pageToken: "not a token!" }), "INVALID_PAGE_TOKEN", "garbage token");
        await rejectsWithCode(() => store.getItems(ns.plain, `${id}-other`, { limit: 3, pageToken: token }), "INVALID_PAGE_TOKEN", "token of another record");
        await rejectsWithCode(() => store.getItems(ns.plain, id, { limit: 3, reverse: true, pageToken: token }), "INVALID_PAGE_TOKEN", "token of another direction");
        const again = await store.getItems(ns.plain, id, { limit: 3, pageToken: token });
        assert.equal(again.items.length, 3, "the valid token still works");
      });

      if (options.reopen !== undefined) {
        const reopen = options.reopen;
        api.it("a page token survives a restart of the store", async () => {
          const store = await options.create(namespaces);
          const id = rid("restart");
          await fill(store, id, 10);
          const page = await store.getItems(ns.plain, id, { limit: 4 });
          const reopened = await reopen(store, namespaces);
          try {
            const rest = await reopened.getItems(ns.plain, id, { pageToken: page.next });
            assert.deepEqual(rest.items.map((i) => new TextDecoder().decode(i.key)), ["k0004", "k0005", "k0006", "k0007", "k0008", "k0009"]);
          } finally {
            await reopened.close();
          }
        }, timeout);
      }
    });

    api.describe("bad input", () => {
      test("refuses a value over the limit and writes nothing of the batch", async (store) => {
        const id = rid("big");
        const err = await rejectsWithCode(
          () => store.mutate([
            { op: "put", ns: ns.plain, id, items: [item("ok", "fine")] },
            { op: "put", ns: ns.small, id, items: [{ key: b("big"), value: new Uint8Array(65) }] },
          ]),
          "VALUE_TOO_LARGE",
          "oversized value",
        );
        assert.match(err.message, /65 bytes/);
        assert.deepEqual((await store.getItems(ns.plain, id)).items, [], "nothing of a refused batch is written");
        await rejectsWithCode(
          () => store.putItems(ns.plain, id, [{ key: b("huge"), value: new Uint8Array(KV_LIMITS.defaultMaxValueBytes + 1) }]),
          "VALUE_TOO_LARGE",
          "value over the default limit",
        );
        await store.putItems(ns.small, id, [{ key: b("fits"), value: new Uint8Array(64) }]);
        const back = await store.getItems(ns.small, id);
        assert.equal(back.items[0]!.value.length, 64, "a value at the limit is stored whole");
      });

      test("refuses malformed namespaces, ids, keys, times and options", async (store) => {
        const id = rid("bad");
        await rejectsWithCode(() => store.putItems("bad namespace!", id, [item("k", "v")]), "INVALID_ARGUMENT", "namespace");
        await rejectsWithCode(() => store.putItems(ns.plain, "", [item("k", "v")]), "INVALID_ARGUMENT", "empty id");
        await rejectsWithCode(() => store.putItems(ns.plain, id, [{ key: new Uint8Array(0), value: b("v") }]), "INVALID_ARGUMENT", "empty key");
        await rejectsWithCode(() => store.putItems(ns.plain, id, [item("k", "v")], { writeTime: -1n }), "INVALID_ARGUMENT", "negative time");
        await rejectsWithCode(() => store.putItems(ns.plain, id, [item("k", "v")], { ttlMs: 0 }), "INVALID_ARGUMENT", "zero ttl");
        await rejectsWithCode(() => store.getItems(ns.plain, id, { limit: 0 }), "INVALID_ARGUMENT", "zero limit");
        await rejectsWithCode(() => store.putItems(ns.plain, id, [{ key: b("k"), value: "text" as unknown as Uint8Array }]), "INVALID_ARGUMENT", "string value");
        assert.deepEqual((await store.getItems(ns.plain, id)).items, [], "nothing written by refused calls");
      });

      api.it("throws after close, and closing twice is fine", async () => {
        const store = await options.create(namespaces);
        await store.putItems(ns.plain, rid("closed"), [item("k", "v")]);
        await store.close();
        await store.close();
        for (const [name, call] of [
          ["putItems", () => store.putItems(ns.plain, "x", [item("k", "v")])],
          ["getItems", () => store.getItems(ns.plain, "x")],
          ["deleteItems", () => store.deleteItems(ns.plain, "x", { keys: [b("k")] })],
          ["deleteRecord", () => store.deleteRecord(ns.plain, "x")],
          ["mutate", () => store.mutate([{ op: "deleteRecord", ns: ns.plain, id: "x" }])],
          ["countItems", () => store.countItems(ns.plain, "x")],
          ["getMany", () => store.getMany(ns.plain, ["x"], { keys: [b("k")] })],
          ["scan", async () => { for await (const _ of store.scan(ns.plain)) break; }],
        ] as const) {
          await rejectsWithCode(call, "STORE_CLOSED", name);
        }
      }, timeout);

      api.it("supports await using (asyncDispose closes)", async () => {
        const store = await options.create(namespaces);
        await store[Symbol.asyncDispose]();
        await rejectsWithCode(() => store.getItems(ns.plain, "x"), "STORE_CLOSED", "after dispose");
      }, timeout);
    });
  });
}
