import type { Properties, PropertyValue } from "@rdg/model";
import { Packr } from "msgpackr";

// Plain MessagePack (no record extension) so any client in any language reads the values.
const packr = new Packr({ useRecords: false, moreTypes: false });
const EMPTY: Uint8Array = new Uint8Array(0);

export function encodeValue(value: PropertyValue): Uint8Array {
  return packr.pack(value);
}

export function decodeValue(bytes: Uint8Array): PropertyValue {
  return packr.unpack(bytes) as PropertyValue;
}

/*
 * Stored form of an edge: its event time (float64 big-endian, 8 bytes) then its properties
 * (MessagePack). The time comes first so "newest first" sorts a bucket by reading 8 bytes an
 * edge, and only the edges returned have their properties decoded.
 */
export function encodeEdge(time: number, props: Properties | undefined): Uint8Array {
  const packed = packr.pack(props ?? {});
  const out = Buffer.allocUnsafe(8 + packed.length);
  out.writeDoubleBE(time, 0);
  out.set(packed, 8);
  return out;
}

export function edgeTime(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(0);
}

export function edgeProps(bytes: Uint8Array): Properties {
  return packr.unpack(bytes.subarray(8)) as Properties;
}

export { EMPTY };
