import type { KvStore } from "@rdg/kv";

/** The store with some calls replaced; every other call goes to the store itself (bound, so its private fields work). */
export function overriding(kv: KvStore, overrides: Partial<Pick<KvStore, "getItems" | "mutate">>): KvStore {
  return new Proxy(kv, {
    get(target, prop) {
      const own = (overrides as Record<PropertyKey, unknown>)[prop];
      if (own !== undefined) return own;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
