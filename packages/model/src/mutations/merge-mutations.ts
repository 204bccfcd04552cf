import { laterValueWins } from "../keys/value-codec.js";
import type { PropertyValue } from "../schema/schema-types.js";
import type { Mutation, UpsertEdge, UpsertNode } from "./mutation-types.js";

type Upsert = UpsertNode | UpsertEdge;

const propTime = (m: Upsert, p: string): number =>
  m.props !== undefined && Object.hasOwn(m.props, p) ? (m.propTimes?.[p] ?? m.time) : -1;

/**
 * Folds two mutations with the same `mutationKey` into one that stores the same final state:
 * each property keeps the value of its newest event, with that event's time, so coalescing
 * never changes what last-write-wins would have kept (at equal times, the greater stored bytes
 * win, as in the store). The result is `partial` only if both upserts are: a complete upsert
 * merged with anything still carries every required property.
 */
export function mergeMutations(a: Mutation, b: Mutation): Mutation {
  if (a.op === "deleteNode" || a.op === "deleteEdge" || b.op === "deleteNode" || b.op === "deleteEdge" || a.op !== b.op) {
    return b.time >= a.time ? b : a;
  }
  const newer = b.time >= a.time ? b : a;
  const older = newer === b ? a : b;
  // The common case (heartbeats): a strictly newer update names every property the older one did.
  const partial = a.partial === true && b.partial === true;
  if (newer.time > older.time && older.propTimes === undefined && newer.propTimes === undefined && coversProps(newer, older)) return withPartial(newer, partial);
  const props: Record<string, PropertyValue> = {};
  const propTimes: Record<string, number> = {};
  for (const p of new Set([...Object.keys(a.props ?? {}), ...Object.keys(b.props ?? {})])) {
    const ta = propTime(a, p);
    const tb = propTime(b, p);
    const bWins = ta < 0 || (tb >= 0 && laterValueWins(ta, a.props![p]!, tb, b.props![p]!));
    const [from, t] = bWins ? [b, tb] : [a, ta];
    props[p] = from.props![p]!;
    if (t !== newer.time) propTimes[p] = t;
  }
  const time = Math.max(a.time, b.time);
  const merged = Object.keys(propTimes).length > 0 ? { ...newer, time, props, propTimes } : { ...newer, time, props, propTimes: undefined };
  return withPartial(merged, partial);
}

function withPartial<M extends Upsert>(m: M, partial: boolean): M {
  if ((m.partial === true) === partial) return m;
  const { partial: _dropped, ...rest } = m;
  return (partial ? { ...rest, partial } : rest) as M;
}

function coversProps(newer: Upsert, older: Upsert): boolean {
  if (older.props === undefined) return true;
  if (newer.props === undefined) return false;
  for (const p in older.props) if (!Object.hasOwn(newer.props, p)) return false;
  return true;
}
