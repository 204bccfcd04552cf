import { describe, expect, it } from "vitest";
import { BadEventError, IngestOptionsError, KafkaEventProducer, avroCodec } from "../src/index.js";

const schema = {
  type: "record", name: "Play", namespace: "t",
  fields: [{ name: "kind", type: { type: "enum", name: "Kind", symbols: ["start", "stop"] } }, { name: "time", type: "long" }, { name: "title", type: "string" }],
};

describe("avroCodec", () => {
  const codec = avroCodec(JSON.stringify(schema));

  it("round-trips a record, leaving out fields the schema does not declare", () => {
    expect(codec.name).toBe("t.Play");
    const bytes = codec.encode({ kind: "stop", time: 1_700_000_000_123, title: "t1", extra: true });
    expect({ ...codec.decode(bytes) }).toEqual({ kind: "stop", time: 1_700_000_000_123, title: "t1" });
  });

  it("an event that does not fit is a BadEventError naming the field", () => {
    const error = (() => {
      try {
        codec.encode({ kind: "pause", time: 1, title: "t1" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(BadEventError);
    expect((error as BadEventError).field).toBe("event.kind");
    expect((error as Error).message).toBe('[ingest] event.kind: does not fit t.Play: expected one of ["start","stop"], got "pause"');
  });

  it("bytes that are not one record of the schema throw, saying so (what KafkaSource dead-letters)", () => {
    expect(() => codec.decode(Buffer.from("{oops"))).toThrow(/^is not Avro of t\.Play \(.*; 5 bytes\)$/);
    expect(() => codec.decode(Buffer.concat([codec.encode({ kind: "start", time: 1, title: "x" }), Buffer.of(0)]))).toThrow(/^is not Avro of t\.Play \(trailing data/);
  });

  it("a schema avsc refuses is an IngestOptionsError (schema)", () => {
    expect(() => avroCodec({ type: "record", name: "X", fields: [{ name: "a", type: "nope" }] })).toThrow(IngestOptionsError);
    expect(() => avroCodec("{")).toThrow(/^\[ingest\] schema: is not an Avro schema/);
  });
});

describe("KafkaEventProducer encode option", () => {
  it("refuses encode and serialize together", () => {
    expect(() => new KafkaEventProducer<object>({ topicOf: () => "t", keyOf: () => "k", encode: () => Buffer.alloc(0), serialize: () => "" })).toThrow(
      "[ingest] encode: and serialize are both given; give one: encode for bytes, serialize for text",
    );
  });
});
