export { ModelError, type ModelErrorCode } from "./errors/schema-error.js";
export type {
  EdgeTypeDef,
  EdgeTypeSpec,
  NodeTypeDef,
  NodeTypeSpec,
  Properties,
  PropertiesSpec,
  PropertyDef,
  PropertySpec,
  PropertyType,
  PropertyValue,
  Schema,
  SchemaDefinition,
} from "./schema/schema-types.js";
export { defineSchema } from "./schema/define-schema.js";
export { validateProperties } from "./schema/validate-properties.js";
export { checkId, MAX_ID_BYTES } from "./ids/ids.js";
export * from "./keys/graph-keys.js";
export type { DeleteEdge, DeleteNode, Mutation, UpsertEdge, UpsertNode } from "./mutations/mutation-types.js";
export { validateMutation, mutationKey } from "./mutations/validate-mutation.js";
export { mergeMutations } from "./mutations/merge-mutations.js";
export { memberJourneySchema, MEMBER_JOURNEY_DEFINITION } from "./examples/member-journey-schema.js";
