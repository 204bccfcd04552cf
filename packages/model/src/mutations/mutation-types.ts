import type { Properties } from "../schema/schema-types.js";

/**
 * Create or update a node; properties not given are left as they are. Without `partial`, the
 * upsert must carry every required property of its type; with `partial: true` it updates only
 * the properties it names.
 */
export interface UpsertNode {
  readonly op: "upsertNode";
  readonly type: string;
  readonly id: string;
  readonly props?: Properties;
  /** Event time in milliseconds; becomes the write time. */
  readonly time: number;
  /** Event times of properties older than `time`, after coalescing. */
  readonly propTimes?: Readonly<Record<string, number>>;
  /** Update only the properties given; required ones may be missing. @default false */
  readonly partial?: boolean;
}

/**
 * Create or update an edge; it is stored on both ends. Without `partial`, the upsert must
 * carry every required property of its type.
 */
export interface UpsertEdge {
  readonly op: "upsertEdge";
  readonly type: string;
  readonly from: string;
  readonly to: string;
  /** Node type of `from`, when the writer wants it checked: it must be the edge type's `from`. @default not checked */
  readonly fromType?: string;
  /** Node type of `to`, when the writer wants it checked: it must be the edge type's `to`. @default not checked */
  readonly toType?: string;
  readonly props?: Properties;
  /** Event time in milliseconds; becomes the write time. */
  readonly time: number;
  /** Event times of properties older than `time`, after coalescing. */
  readonly propTimes?: Readonly<Record<string, number>>;
  /** Update only the properties given; required ones may be missing. @default false */
  readonly partial?: boolean;
}

/** Delete a node. */
export interface DeleteNode {
  readonly op: "deleteNode";
  readonly type: string;
  readonly id: string;
  /** Event time in milliseconds; becomes the write time. */
  readonly time: number;
}

/** Delete an edge on both ends. */
export interface DeleteEdge {
  readonly op: "deleteEdge";
  readonly type: string;
  readonly from: string;
  readonly to: string;
  /** Event time in milliseconds; becomes the write time. */
  readonly time: number;
}

/** Any write to the graph. */
export type Mutation = UpsertNode | UpsertEdge | DeleteNode | DeleteEdge;
