export { RdgError, formatErrorMessage, hasMarker, type RdgErrorOptions } from "./errors/rdg-error.js";
export { ModelError, MODEL_ERROR_CODES, type ModelErrorCode } from "./errors/model-error.js";
export { ERROR_STATUS, errorInfo, httpStatusOf, isInputError, type ErrorCodeInfo, type RdgErrorCode } from "./errors/error-status.js";
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
export {
  VALIDATION_DEFAULTS,
  resolveValidationOptions,
  type ResolvedValidationOptions,
  type ValidationOptions,
} from "./mutations/validation-options.js";
export { mergeMutations } from "./mutations/merge-mutations.js";
export { memberJourneySchema, MEMBER_JOURNEY_DEFINITION } from "./examples/member-journey-schema.js";
export { seededRandom } from "./util/seeded-random.js";
export { encodeValue, decodeValue, laterValueWins } from "./keys/value-codec.js";
