/**
 * The namespace where a graph keeps facts about itself: the schema it was written with, and the
 * positions of sources committed into it (a file's offset belongs to the graph it was written
 * to, not to the file). Record ids: `schema`, `checkpoint:<source id>`.
 */
export const GRAPH_META_NAMESPACE = "rdg.meta";
