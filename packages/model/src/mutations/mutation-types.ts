import type { Properties } from "../schema/schema-types.js";

/** Create or update a node; properties not given are left as they are. */
export interface UpsertNode {
  readonly op: "upsertNode";
  readonly type: string;
  readonly id: string;
  readonly props?: Properties;
  /** Event time in milliseconds; becomes the write time. */
  readonly time: number;
  /** Event times of properties older than `time`, after coalescing. */
  readonly propTimes?: Readonly<Record<string, number>>;
}

/** Create or update an edge; it is stored on both ends. */
export interface UpsertEdge {
  readonly op: "upsertEdge";
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly props?: Properties;
  readonly time: number;
  readonly propTimes?: Readonly<Record<string, number>>;
}

export interface DeleteNode {
  readonly op: "deleteNode";
  readonly type: string;
  readonly id: string;
  readonly time: number;
}

export interface DeleteEdge {
  readonly op: "deleteEdge";
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly time: number;
}

export type Mutation = UpsertNode | UpsertEdge | DeleteNode | DeleteEdge;
