export { GraphStore, graphNamespaces, type GraphStoreOptions, type WriteOptions } from "./graph-store.js";
export type { CountQuery, EdgeCount, GraphEdge, GraphNode, NeighborsPage, NeighborsQuery, PropertyCondition } from "./graph-types.js";
export type { HopLimits, HopSpec, TraversalLevel, TraversalQuery, TraversalResult } from "./traverse/traversal-types.js";
export type { GraphStats, NamespaceStats } from "./export/graph-stats.js";
export { GraphError, GRAPH_ERROR_CODES, type GraphErrorCode, type GraphErrorOptions } from "./errors/graph-error.js";
export { sortOperations } from "./write/plan-writes.js";
export { GRAPH_META_NAMESPACE } from "./meta/graph-meta.js";
export { GRAPH_LAYOUT_VERSION, readStoredSchema } from "./meta/schema-record.js";
