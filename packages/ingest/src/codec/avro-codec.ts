import avsc from "avsc";
import { BadEventError } from "../errors/bad-event-error.js";
import { IngestOptionsError } from "../errors/ingest-options-error.js";

/** Encodes events as, and decodes them from, one Avro schema's binary encoding. */
export interface AvroCodec {
  /** The schema's full name, e.g. `rdg.memberjourney.PlaybackEvent`. */
  readonly name: string;
  /** The event's Avro bytes; fields the schema does not declare are left out. Throws a `BadEventError` naming the field that does not fit. */
  encode(event: object): Buffer;
  /** The record in `value`; throws when the bytes are not one record of the schema (what `KafkaSource` dead-letters). */
  decode(value: Buffer): object;
}

/**
 * A codec for `schema`, an Avro schema as JSON text or parsed. Payloads are the bare binary
 * encoding of one record (no container header, no schema-registry prefix): producer and
 * consumer share the schema through configuration. Use `decode` as `KafkaSource`'s `decode` and
 * `encode` as `KafkaEventProducer`'s. A schema avsc refuses is an `IngestOptionsError` (`schema`).
 */
export function avroCodec(schema: string | object): AvroCodec {
  let type: avsc.Type;
  try {
    type = avsc.Type.forSchema((typeof schema === "string" ? JSON.parse(schema) : schema) as avsc.Schema);
  } catch (error) {
    throw new IngestOptionsError("schema", `is not an Avro schema (${(error as Error).message}); see https://avro.apache.org/docs/1.12.0/specification/`);
  }
  const name = type.name ?? type.typeName;
  return Object.freeze({
    name,
    encode(event: object): Buffer {
      try {
        return type.toBuffer(event);
      } catch (error) {
        throw encodeFailure(type, name, event, error);
      }
    },
    decode(value: Buffer): object {
      let decoded: unknown;
      try {
        decoded = type.fromBuffer(value);
      } catch (error) {
        throw new Error(`is not Avro of ${name} (${(error as Error).message}; ${value.length} bytes)`);
      }
      if (typeof decoded !== "object" || decoded === null) throw new Error(`is Avro of ${name}, which is not a record; a job's schema must be a record`);
      return decoded;
    },
  });
}

/** Which field of `event` does not fit, as avsc's validation tells it. */
function encodeFailure(type: avsc.Type, name: string, event: object, error: unknown): BadEventError {
  let first: { path: string[]; value: unknown; type: avsc.Type } | undefined;
  type.isValid(event, { errorHook: (path: string[], value: unknown, t: avsc.Type) => (first ??= { path, value, type: t }) });
  if (first === undefined) return new BadEventError(`does not encode as ${name} (${(error as Error).message})`, { cause: error });
  const field = first.path.join(".");
  const shown = first.value === undefined ? "nothing" : JSON.stringify(first.value);
  return new BadEventError(`does not fit ${name}: expected ${first.type.typeName === "enum" ? `one of ${JSON.stringify((first.type as unknown as { symbols: string[] }).symbols)}` : first.type.typeName}, got ${shown}`, { field, cause: error });
}
