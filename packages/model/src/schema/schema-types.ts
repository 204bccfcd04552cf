/** Types a property can have. `timestamp` is milliseconds since the epoch. */
export type PropertyType = "string" | "int" | "float" | "boolean" | "timestamp";

/** A property: its type, or `{ type, optional }`. Properties are required unless optional. */
export type PropertySpec = PropertyType | { readonly type: PropertyType; readonly optional?: boolean };

export type PropertiesSpec = Readonly<Record<string, PropertySpec>>;

/** A node type. */
export interface NodeTypeSpec {
  readonly properties?: PropertiesSpec;
}

/** An edge type: from one node type to another, with properties. */
export interface EdgeTypeSpec {
  readonly from: string;
  readonly to: string;
  readonly properties?: PropertiesSpec;
  /** Name under which the edge reads from the `to` side (e.g. `watchedBy` for `watched`). */
  readonly inverse?: string;
  /**
   * Width of the time buckets that bound adjacency records, in milliseconds. A node with
   * millions of edges of this type becomes one record per bucket, never one unbounded record.
   * @default 86_400_000 (one day)
   */
  readonly bucketMs?: number;
  /**
   * Edges older than this are not read unless a query sets `since` or `lookbackMs` (Netflix uses
   * 100 days). @default the graph's `defaultLookbackMs`, itself 100 days by default
   */
  readonly lookbackMs?: number;
}

/** The definition given to `defineSchema`. */
export interface SchemaDefinition {
  readonly nodes: Readonly<Record<string, NodeTypeSpec>>;
  readonly edges: Readonly<Record<string, EdgeTypeSpec>>;
}

/** A property after normalisation. */
export interface PropertyDef {
  readonly name: string;
  readonly type: PropertyType;
  readonly optional: boolean;
}

export interface NodeTypeDef {
  readonly name: string;
  readonly properties: ReadonlyMap<string, PropertyDef>;
}

export interface EdgeTypeDef {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly inverse: string | undefined;
  readonly properties: ReadonlyMap<string, PropertyDef>;
  readonly bucketMs: number;
  readonly lookbackMs: number | undefined;
}

/** A checked, frozen schema. */
export interface Schema {
  readonly nodes: ReadonlyMap<string, NodeTypeDef>;
  readonly edges: ReadonlyMap<string, EdgeTypeDef>;
  node(type: string): NodeTypeDef;
  edge(type: string): EdgeTypeDef;
}

/** Property values as written and read. */
export type PropertyValue = string | number | boolean;
export type Properties = Readonly<Record<string, PropertyValue>>;
