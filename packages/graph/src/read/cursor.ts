import { GraphError } from "../errors/graph-error.js";

/**
 * Where a neighbours page stopped: the bucket and the adjacency key (time and other end) of the
 * last entry looked at. The next page starts strictly after that key, so an edge that stays put
 * is returned once, and an edge that moves (a newer time) moves behind the cursor.
 */
export interface NeighborsCursor {
  /** The query this cursor belongs to. */
  readonly q: string;
  /** Bucket to resume in. */
  readonly b: number;
  /** Last adjacency key looked at, hex. */
  readonly k: string;
  /** The time window of the first page, kept so later pages read the same window as time moves on. */
  readonly s: number;
  readonly u: number;
}

export function encodeCursor(cursor: NeighborsCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeCursor(text: string, query: string): NeighborsCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw new GraphError("INVALID_CURSOR", "cursor is not one this server issued; pass the previous page's cursor unchanged or omit it");
  }
  const c = parsed as Partial<NeighborsCursor>;
  if (typeof c !== "object" || c === null || typeof c.b !== "number" || typeof c.k !== "string" || !/^([0-9a-f]{2}){8,}$/.test(c.k) || typeof c.q !== "string" || typeof c.s !== "number" || typeof c.u !== "number") {
    throw new GraphError("INVALID_CURSOR", "cursor is malformed; pass the previous page's cursor unchanged or omit it");
  }
  // A cursor is not signed: check every number before it steers a read.
  if (!Number.isSafeInteger(c.b) || c.b < 0 || !Number.isSafeInteger(c.s) || c.s < 0 || !Number.isSafeInteger(c.u) || c.u <= c.s) {
    throw new GraphError("INVALID_CURSOR", "cursor is malformed; pass the previous page's cursor unchanged or omit it");
  }
  if (c.q !== query) throw new GraphError("INVALID_CURSOR", "cursor belongs to another query (node, edge type, direction or order differ)");
  return c as NeighborsCursor;
}
