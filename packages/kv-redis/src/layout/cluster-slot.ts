/*
 * The Redis Cluster slot of a hash tag: CRC16 (XMODEM: polynomial 0x1021, initial value 0)
 * of its UTF-8 bytes, modulo 16384, as the server computes it (cluster.c keyHashSlot). The
 * store computes it itself to group a batch's records by node without a round trip.
 */

export const CLUSTER_SLOTS = 16384;

const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  TABLE[i] = crc;
}

const step = (crc: number, byte: number): number => ((crc << 8) & 0xffff) ^ TABLE[((crc >>> 8) ^ byte) & 0xff]!;

/** The slot of the keys whose hash tag is `tag` (the text between the first `{` and `}`). */
export function tagSlot(tag: string): number {
  let crc = 0;
  for (let i = 0; i < tag.length; i++) {
    const c = tag.charCodeAt(i);
    if (c < 0x80) {
      crc = step(crc, c);
      continue;
    }
    // Anything but ASCII: hash the UTF-8 bytes of the rest (rare in ids; lone surrogates become
    // U+FFFD as they do when ioredis writes the key).
    for (const byte of Buffer.from(tag.slice(i), "utf8")) crc = step(crc, byte);
    break;
  }
  return crc % CLUSTER_SLOTS;
}
