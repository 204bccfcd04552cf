import { Packr } from "msgpackr";

export { decodeValue, encodeValue } from "@rdg/model";

const packr = new Packr({ useRecords: false, moreTypes: false });
const EMPTY: Uint8Array = new Uint8Array(0);

/** The two ends of an edge whose record id is a hash. */
export function encodeEnds(from: string, to: string): Uint8Array {
  return packr.pack([from, to]);
}

export function decodeEnds(bytes: Uint8Array): { from: string; to: string } {
  const [from, to] = packr.unpack(bytes) as [string, string];
  return { from, to };
}

export { EMPTY };
