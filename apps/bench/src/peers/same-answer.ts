import type { PeerNeighbor } from "./peer.js";

/**
 * Why two answers to "the newest `limit` neighbours" differ, or undefined when they agree:
 * the same times, and the same ids except among edges tied at the oldest time of a full answer
 * (which of several tied edges makes the cut is each system's own choice).
 */
export function answerDifference(ours: readonly PeerNeighbor[], theirs: readonly PeerNeighbor[], limit: number): string | undefined {
  const times = (a: readonly PeerNeighbor[]) => a.map((n) => n.time).sort((x, y) => y - x);
  const a = times(ours);
  const b = times(theirs);
  if (a.length !== b.length) return `${ours.length} neighbours against ${theirs.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `times differ at position ${i}: ${a[i]} against ${b[i]}`;
  const cut = a.length === limit ? a[a.length - 1]! : -Infinity;
  const ids = (x: readonly PeerNeighbor[]) => new Set(x.filter((n) => n.time > cut).map((n) => `${n.id}@${n.time}`));
  const mine = ids(ours);
  for (const id of ids(theirs)) if (!mine.delete(id)) return `${id} is only in the peer's answer`;
  const [first] = mine;
  return first === undefined ? undefined : `${first} is only in RDG's answer`;
}

/** The same for a 2-hop answer: the same middle nodes, and for each the same neighbours. */
export function twoHopDifference(ours: readonly PeerNeighbor[], theirs: readonly PeerNeighbor[], secondLimit: number): string | undefined {
  const byVia = (x: readonly PeerNeighbor[]) => {
    const m = new Map<string, PeerNeighbor[]>();
    for (const n of x) m.set(n.via ?? "", [...(m.get(n.via ?? "") ?? []), n]);
    return m;
  };
  const a = byVia(ours);
  const b = byVia(theirs);
  if (a.size !== b.size) return `${a.size} middle nodes against ${b.size}`;
  for (const [via, list] of a) {
    const other = b.get(via);
    if (other === undefined) return `middle node ${via} is only in RDG's answer`;
    const d = answerDifference(list, other, secondLimit);
    if (d !== undefined) return `via ${via}: ${d}`;
  }
  return undefined;
}
