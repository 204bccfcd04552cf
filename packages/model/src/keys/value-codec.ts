import { Packr } from "msgpackr";
import type { PropertyValue } from "../schema/schema-types.js";

// Plain MessagePack (no record extension) so any client in any language reads the values.
const packr = new Packr({ useRecords: false, moreTypes: false });

/**
 * Stored bytes of a property value. They also break ties: of two writes of one property at the
 * same time, the store keeps the greater bytes (the KV contract's rule, Cassandra's), so
 * whatever folds writes before they are stored must compare the same bytes.
 */
export function encodeValue(value: PropertyValue): Uint8Array {
  return packr.pack(value);
}

export function decodeValue(bytes: Uint8Array): PropertyValue {
  return packr.unpack(bytes) as PropertyValue;
}

/** True when a write of `b` at `tb` replaces one of `a` at `ta`, as the store decides. */
export function laterValueWins(ta: number, a: PropertyValue, tb: number, b: PropertyValue): boolean {
  if (tb !== ta) return tb > ta;
  if (a === b) return true;
  return Buffer.compare(encodeValue(b), encodeValue(a)) >= 0;
}
