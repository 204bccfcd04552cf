import type { Direction, Properties, PropertyValue } from "@rdg/model";

/** A node as read. */
export interface GraphNode {
  readonly type: string;
  readonly id: string;
  readonly props: Properties;
  /** Newest write time among its properties, in milliseconds. */
  readonly updatedAt: number;
}

/** An edge as read from one end. */
export interface GraphEdge {
  readonly type: string;
  readonly from: string;
  readonly to: string;
  /** The end that is not the node asked about. */
  readonly other: string;
  /** Event time of the edge's last update, in milliseconds. */
  readonly time: number;
  readonly props: Properties;
}

/** A condition on one property: a value to equal, or bounds. */
export type PropertyCondition =
  | PropertyValue
  | { readonly gt?: number; readonly gte?: number; readonly lt?: number; readonly lte?: number; readonly in?: readonly PropertyValue[] };

/** Options of a neighbours query. */
export interface NeighborsQuery {
  /** Edge type, or the inverse name of one (`watchedBy` reads `watched` from the title). */
  readonly edge: string;
  /** `out` from the edge's `from` end, `in` from its `to` end. @default "out", or "in" for an inverse name */
  readonly direction?: Direction;
  /** Most edges returned. @default 300 */
  readonly limit?: number;
  /** `latest` newest first; `any` in storage order, cheaper. @default "latest" */
  readonly order?: "latest" | "any";
  /** Only edges updated at or after this time (ms). @default now minus the lookback */
  readonly since?: number;
  /** Only edges updated before this time (ms). @default no bound */
  readonly until?: number;
  /** How far back to look when `since` is not given (ms). @default the edge type's lookback, else 100 days */
  readonly lookbackMs?: number;
  /** Property conditions, all of which must hold. */
  readonly where?: Readonly<Record<string, PropertyCondition>>;
  /** The `cursor` of the previous page. */
  readonly cursor?: string;
  /** Stops the read at its next KV call, throwing `signal.reason` (a deadline, a closed connection). @default undefined */
  readonly signal?: AbortSignal;
}

/** Options of node reads (`getNode`, `getNodes`). */
export interface NodeReadOptions {
  /** Stops the read at its next KV call, throwing `signal.reason`. @default undefined */
  readonly signal?: AbortSignal;
}

/** A page of neighbours. */
export interface NeighborsPage {
  readonly edges: GraphEdge[];
  readonly cursor?: string;
}

/** Result of an edge count. */
export interface EdgeCount {
  /** Edges whose current time is in the window: what paging through `neighbors` returns. */
  readonly count: number;
  /**
   * True when every adjacency entry was checked against its edge (`verify: true`). Without it
   * the count is the entries in the window, the same number while the graph has one writer
   * process; concurrent writer processes can leave entries that count once too often
   * (`stats().staleEntries` reports them).
   */
  readonly verified: boolean;
}

/** Options of an edge count: the edge, direction and window of a neighbours query. */
export interface CountQuery extends Pick<NeighborsQuery, "edge" | "direction" | "since" | "until" | "lookbackMs" | "signal"> {
  /** Check every adjacency entry against its edge's state (exact with several writer processes; costs in proportion to the edges). @default false */
  readonly verify?: boolean;
}
