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

/** Stored form of an edge: its event time and properties. */
export interface EdgeValue {
  readonly t: number;
  readonly p: Properties;
}

export function encodeEdge(time: number, props: Properties | undefined): Uint8Array {
  return packr.pack({ t: time, p: props ?? {} });
}

export function decodeEdge(bytes: Uint8Array): EdgeValue {
  return packr.unpack(bytes) as EdgeValue;
}

export { EMPTY };
