import { InvalidPageTokenError } from "../errors/invalid-page-token-error.js";
import { utf8 } from "../util/bytes.js";
import { fnv1a } from "../util/hash.js";
import type { KeyRange } from "./kv-types.js";

const VERSION = 1;
const HEADER = 10;
const EMPTY = new Uint8Array(0);

/** Fingerprint of a range query, so a token is only accepted by the query that issued it. */
export function queryFingerprint(ns: string, id: string, range: KeyRange | undefined, reverse: boolean): number {
  return fnv1a(utf8(ns), utf8(id), range?.start ?? EMPTY, range?.end ?? EMPTY, Uint8Array.of(reverse ? 1 : 0));
}

/**
 * Encodes the position after `lastKey`. The token holds only the key and fingerprints, so it
 * survives a restart of the store and of the process.
 */
export function encodePageToken(fingerprint: number, lastKey: Uint8Array): string {
  const buf = Buffer.alloc(HEADER + lastKey.length);
  buf[0] = VERSION;
  buf.writeUInt32BE(fingerprint, 1);
  buf.writeUInt32BE(fnv1a(lastKey), 5);
  buf[9] = 0;
  buf.set(lastKey, HEADER);
  return buf.toString("base64url");
}

/** Decodes a token into the last key returned; throws `InvalidPageTokenError` if corrupt or foreign. */
export function decodePageToken(token: string, fingerprint: number): Uint8Array {
  if (typeof token !== "string" || token.length === 0 || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw new InvalidPageTokenError("not a base64url string");
  }
  const buf = Buffer.from(token, "base64url");
  if (buf.length < HEADER + 1) throw new InvalidPageTokenError("too short");
  if (buf[0] !== VERSION) throw new InvalidPageTokenError(`unknown version ${buf[0]}`);
  if (buf.readUInt32BE(1) !== fingerprint) {
    throw new InvalidPageTokenError("it was issued for another namespace, record, range or direction");
  }
  const key = new Uint8Array(buf.subarray(HEADER));
  if (buf.readUInt32BE(5) !== fnv1a(key)) throw new InvalidPageTokenError("checksum mismatch (corrupt)");
  return key;
}
