/** FNV-1a over byte chunks: a cheap, stable 32-bit fingerprint (not a security measure). */
export function fnv1a(...chunks: Uint8Array[]): number {
  let h = 0x811c9dc5;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      h ^= chunk[i]!;
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
