export { GraphStore, graphNamespaces, type GraphStoreOptions, type WriteOptions } from "./graph-store.js";
export type { EdgeCount, GraphEdge, GraphNode, NeighborsPage, NeighborsQuery, PropertyCondition } from "./graph-types.js";
export type { HopLimits, HopSpec, TraversalLevel, TraversalQuery, TraversalResult } from "./traverse/traversal-types.js";
export { GraphError, type GraphErrorCode } from "./errors/graph-error.js";
export { upsertOperations, sortOperations } from "./write/mutations-to-operations.js";
export { GRAPH_META_NAMESPACE } from "./meta/graph-meta.js";
