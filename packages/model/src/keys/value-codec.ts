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
  return decodeSmall(bytes) ?? (packr.unpack(bytes) as PropertyValue);
}

/**
 * The common small values without msgpackr's per-call setup (it cost more than the read of a
 * neighbours page's property items): booleans, integers up to 32 bits and short ASCII strings.
 * Anything else (and any byte count that does not fit) is left to msgpackr: undefined here.
 */
function decodeSmall(b: Uint8Array): PropertyValue | undefined {
  const n = b.length;
  if (n === 0) return undefined;
  const t = b[0]!;
  if (n === 1) {
    if (t <= 0x7f) return t;
    if (t >= 0xe0) return t - 0x100;
    if (t === 0xc2) return false;
    if (t === 0xc3) return true;
    return undefined;
  }
  if (t >= 0xa0 && t <= 0xbf) return n === 1 + (t & 0x1f) ? asciiOf(b, 1) : undefined;
  if (t === 0xd9) return n >= 2 && n === 2 + b[1]! && n <= 34 ? asciiOf(b, 2) : undefined;
  const view = new DataView(b.buffer, b.byteOffset, n);
  switch (t) {
    case 0xcc: return n === 2 ? b[1]! : undefined;
    case 0xcd: return n === 3 ? view.getUint16(1) : undefined;
    case 0xce: return n === 5 ? view.getUint32(1) : undefined;
    case 0xd0: return n === 2 ? view.getInt8(1) : undefined;
    case 0xd1: return n === 3 ? view.getInt16(1) : undefined;
    case 0xd2: return n === 5 ? view.getInt32(1) : undefined;
    default: return undefined;
  }
}

/** A string of the bytes from `start` when all are ASCII, else undefined. */
function asciiOf(b: Uint8Array, start: number): string | undefined {
  let out = "";
  for (let i = start; i < b.length; i++) {
    const c = b[i]!;
    if (c >= 0x80) return undefined;
    out += String.fromCharCode(c);
  }
  return out;
}

/** True when a write of `b` at `tb` replaces one of `a` at `ta`, as the store decides. */
export function laterValueWins(ta: number, a: PropertyValue, tb: number, b: PropertyValue): boolean {
  if (tb !== ta) return tb > ta;
  if (a === b) return true;
  return Buffer.compare(encodeValue(b), encodeValue(a)) >= 0;
}
