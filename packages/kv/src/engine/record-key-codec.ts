/*
 * Record id and item key share one ordered key space: escape(id) 0x00 0x01 itemKey.
 * Escaping 0x00 as 0x00 0xFF keeps the encoding prefix-free and order-preserving, so the items
 * of a record are contiguous, sorted by item key, and records sort by id (ids that share a
 * prefix, such as a time bucket, land next to each other).
 */
const SEP = 0x01;
const ESC = 0xff;

/** Key prefix shared by every item of a record. */
export function recordPrefix(id: string): Buffer {
  const length = Buffer.byteLength(id, "utf8");
  const out = Buffer.allocUnsafe(length + 2);
  out.write(id, 0, "utf8");
  out[length] = 0;
  out[length + 1] = SEP;
  if (out.indexOf(0) === length) return out;
  const raw = out.subarray(0, length);
  const bytes: number[] = [];
  for (const b of raw) {
    bytes.push(b);
    if (b === 0) bytes.push(ESC);
  }
  bytes.push(0, SEP);
  return Buffer.from(bytes);
}

/** The first key after every item of the record with this prefix. */
export function recordEnd(prefix: Uint8Array): Buffer {
  const end = Buffer.from(prefix);
  end[end.length - 1] = SEP + 1;
  return end;
}

/** Full map key of one item. */
export function itemMapKey(prefix: Uint8Array, key: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(prefix.length + key.length);
  out.set(prefix, 0);
  out.set(key, prefix.length);
  return out;
}

/** Key of namespace-wide flags in the meta map; no record prefix can equal it. */
export const NAMESPACE_FLAGS_KEY: Buffer = Buffer.from([0, 0]);

/** Splits a map key into record id and the length of its prefix. */
export function splitMapKey(mapKey: Uint8Array): { id: string; prefixLength: number } {
  const raw: number[] = [];
  for (let i = 0; i < mapKey.length; i++) {
    const b = mapKey[i]!;
    if (b !== 0) {
      raw.push(b);
      continue;
    }
    if (mapKey[i + 1] === ESC) {
      raw.push(0);
      i++;
      continue;
    }
    return { id: Buffer.from(raw).toString("utf8"), prefixLength: i + 2 };
  }
  throw new Error("[kv] corrupt map key: no record separator");
}
