import { utf8, fromUtf8 } from "../util/bytes.js";

/*
 * Record id and item key share one ordered key space: escape(id) 0x00 0x01 itemKey.
 * Escaping 0x00 as 0x00 0xFF keeps the encoding prefix-free and order-preserving, so the items
 * of a record are contiguous, sorted by item key, and records sort by id (ids that share a
 * prefix, such as a time bucket, land next to each other).
 */
const SEP = 0x01;
const ESC = 0xff;

/** Key prefix shared by every item of a record. */
export function recordPrefix(id: string): Uint8Array {
  const raw = utf8(id);
  let zeros = 0;
  for (const b of raw) if (b === 0) zeros++;
  const out = new Uint8Array(raw.length + zeros + 2);
  let at = 0;
  for (const b of raw) {
    out[at++] = b;
    if (b === 0) out[at++] = ESC;
  }
  out[at++] = 0;
  out[at] = SEP;
  return out;
}

/** The first key after every item of the record with this prefix. */
export function recordEnd(prefix: Uint8Array): Uint8Array {
  const end = Uint8Array.from(prefix);
  end[end.length - 1] = SEP + 1;
  return end;
}

/** Full map key of one item. */
export function itemMapKey(prefix: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + key.length);
  out.set(prefix, 0);
  out.set(key, prefix.length);
  return out;
}

/** Splits a map key into record id and the length of its prefix. */
export function splitMapKey(mapKey: Uint8Array): { id: string; prefixLength: number } {
  const raw: number[] = [];
  for (let i = 0; i < mapKey.length; i++) {
    const b = mapKey[i]!;
    if (b !== 0) {
      raw.push(b);
      continue;
    }
    const next = mapKey[i + 1];
    if (next === ESC) {
      raw.push(0);
      i++;
      continue;
    }
    return { id: fromUtf8(Uint8Array.from(raw)), prefixLength: i + 2 };
  }
  throw new Error("[kv] corrupt map key: no record separator");
}
