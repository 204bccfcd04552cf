import type { Mutation } from "@rdg/model";

/**
 * The worker that owns a mutation's node or edge: a hash of its (type, id) or (type, from, to),
 * so every update of one edge is coalesced and planned by one worker, whichever worker mapped
 * its event. FNV-1a over UTF-16 code units: cheap, stable across threads and runs.
 */
export function ownerOf(m: Mutation, workers: number): number {
  if (workers === 1) return 0;
  let h = hashString(0x811c9dc5, m.type);
  if (m.op === "upsertNode" || m.op === "deleteNode") h = hashString(h, m.id);
  else h = hashString(hashString(h, m.from), m.to);
  return (h >>> 0) % workers;
}

function hashString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ 0x1f, 0x01000193);
}
