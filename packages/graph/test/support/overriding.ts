import type { GetQuery, Item, KeysQuery, KvStore } from "@rdg/kv";

/**
 * The store with some calls replaced; every other call goes to the store itself (bound, so its
 * private fields work). A replaced `getItems` also serves `getMany` (one call per record), so a
 * fault or a count injected in point reads reaches the batched reads too.
 */
export function overriding(kv: KvStore, overrides: Partial<Pick<KvStore, "getItems" | "getMany" | "mutate">>): KvStore {
  const getItems = overrides.getItems;
  const all: Partial<KvStore> =
    getItems === undefined || overrides.getMany !== undefined
      ? overrides
      : { ...overrides, getMany: (ns: string, ids: readonly string[], q: KeysQuery): Promise<Item[][]> => Promise.all(ids.map(async (id) => (await getItems(ns, id, q as GetQuery)).items)) };
  return new Proxy(kv, {
    get(target, prop) {
      const own = (all as Record<PropertyKey, unknown>)[prop];
      if (own !== undefined) return own;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
