import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memberJourneySchema } from "@rdg/model";
import { parseStoreConfig, storeKey, type StoreConfig } from "@rdg/stores";
import { JobsConfigError, loadJobsConfig, mapMemberEvent, type JobsConfig } from "../src/index.js";

const stores = { parse: parseStoreConfig, key: storeKey };
const examples = resolve(import.meta.dirname, "..", "..", "..", "examples", "member-journey");
const dir = mkdtempSync(join(tmpdir(), "rdg-jobs-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Writes `content` (JSON unless a string) as a configuration file in a fresh folder, with `files` beside it. */
function configFile(content: unknown, files: Record<string, string> = {}): string {
  const folder = join(dir, `c${n++}`);
  mkdirSync(join(folder, "avro"), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  const file = join(folder, "jobs.json");
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

const job = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: "auth", topic: "auth", group: "g-auth", format: "json", processor: "member-journey", eventTimeField: "time", store: { kind: "lmdb", path: "graph" }, ...over,
});
const config = (...jobs: Record<string, unknown>[]): Record<string, unknown> => ({ kafka: { brokers: ["127.0.0.1:19092"] }, jobs });
const RECORD = JSON.stringify({ type: "record", name: "E", fields: [{ name: "time", type: "long" }] });

/** The problems `loadJobsConfig` reports for a file, as `field: problem` lines. */
async function problems(file: string): Promise<string[]> {
  const error = await loadJobsConfig(file, { stores }).then(() => undefined, (e: unknown) => e);
  expect(error, "the configuration was accepted").toBeInstanceOf(JobsConfigError);
  const e = error as JobsConfigError;
  expect(e.code).toBe("INVALID_ARGUMENT");
  expect(e.field).toBe(e.problems[0]?.field ?? "");
  return e.problems.map((p) => `${p.field}: ${p.problem}`);
}

describe("loadJobsConfig: the shipped examples", () => {
  it("examples/member-journey/jobs.json: five JSON jobs on the member-journey topics sharing one LMDB store beside the file", async () => {
    const c: JobsConfig<StoreConfig> = await loadJobsConfig(join(examples, "jobs.json"), { stores });
    expect(c.kafka).toEqual({ brokers: ["127.0.0.1:19092"], clientId: "rdg-member-journey" });
    expect(c.jobs.map((j) => [j.name, j.topic, j.format])).toEqual(["auth", "playback", "gaming", "live", "search"].map((t) => [t, t, "json"]));
    expect(new Set(c.jobs.map((j) => j.storeKey)).size).toBe(1);
    expect(c.jobs[0]!.store).toEqual({ kind: "lmdb", path: join(examples, ".data", "graph") });
    expect(c.jobs[1]).toMatchObject({ batchSize: 20_000, concurrency: 2, coalesceWindowMs: 60_000, deadLetterTopic: "playback.dead-letters", eventTimeField: "time" });
    expect(c.jobs[0]!.processor).toMatchObject({ name: "member-journey", map: mapMemberEvent, schema: memberJourneySchema });
    expect(Object.isFrozen(c) && Object.isFrozen(c.jobs[0])).toBe(true);
  });

  it("examples/member-journey/jobs-avro.json: each job has its topic's Avro codec, which round-trips an event", async () => {
    const c = await loadJobsConfig(join(examples, "jobs-avro.json"), { stores });
    expect(c.jobs.map((j) => [j.topic, j.format, j.avro?.name])).toEqual(
      [["avro.auth", "Auth"], ["avro.playback", "Playback"], ["avro.gaming", "Gaming"], ["avro.live", "Live"], ["avro.search", "Search"]].map(([t, n]) => [t, "avro", `rdg.memberjourney.${n}Event`]),
    );
    expect(c.jobs[1]!.schemaFile).toBe(join(examples, "avro", "playback.avsc"));
    const event = { topic: "playback", type: "heartbeat", time: 1_700_000_000_000, accountId: "a1", profileId: "p1", deviceId: "d1", deviceKind: "", titleId: "t1", gameId: "", liveEventId: "", seconds: 60, query: "" };
    const decoded = c.jobs[1]!.avro!.decode(c.jobs[1]!.avro!.encode(event));
    expect({ ...decoded }).toEqual({ type: "heartbeat", time: event.time, accountId: "a1", profileId: "p1", deviceId: "d1", titleId: "t1", seconds: 60 });
    expect(mapMemberEvent(decoded as never)).toEqual(mapMemberEvent(event as never));
  });
});

describe("loadJobsConfig: a processor module and paths relative to the file", () => {
  it("imports map and schema from the module (a schema definition is accepted), once for the jobs that share it", async () => {
    const module = `export const schema = { nodes: { user: { properties: { name: "string" } } }, edges: {} };
export function map(e) { return [{ op: "upsertNode", type: "user", id: e.id, props: { name: e.name }, time: e.meta.at }]; }\n`;
    const file = configFile(config(
      job({ name: "users", processor: "./users.mjs", eventTimeField: "meta.at", format: "avro", schema: "avro/user.avsc", store: { kind: "lmdb", path: "../users-graph", noSync: true } }),
      job({ name: "users-again", topic: "users-2", processor: "./users.mjs", store: { kind: "lmdb", path: "../users-graph", noSync: true } }),
    ), { "users.mjs": module, "avro/user.avsc": RECORD });
    const c = await loadJobsConfig(file, { stores });
    const [a, b] = c.jobs;
    expect(a!.processor.name).toBe(join(file, "..", "users.mjs"));
    expect(a!.processor).toBe(b!.processor);
    expect([...a!.processor.schema.nodes.keys()]).toEqual(["user"]);
    expect(a!.processor.map({ id: "u1", name: "Ada", meta: { at: 5 } })).toEqual([{ op: "upsertNode", type: "user", id: "u1", props: { name: "Ada" }, time: 5 }]);
    expect(a!.store).toEqual({ kind: "lmdb", path: join(file, "..", "..", "users-graph"), noSync: true });
    expect(a!.schemaFile).toBe(join(file, "..", "avro", "user.avsc"));
    expect(a!.storeKey).toBe(b!.storeKey);
  });
});

describe("loadJobsConfig: refusals name the entry and the field, before anything connects", () => {
  it("a missing file, and a file that is not JSON", async () => {
    expect(await problems(join(dir, "nope.json"))).toEqual([": no such file; give the path of a jobs configuration (JSON), e.g. examples/member-journey/jobs.json"]);
    const [p] = await problems(configFile("{ jobs: [] }"));
    expect(p).toMatch(/^: is not JSON \(/);
  });

  it("the message reads [ingest] file: entry.field: problem", async () => {
    const file = configFile(config(job(), job({ name: "playback", topic: "playback", group: "g-playback", batchSize: -3 })));
    const error = await loadJobsConfig(file, { stores }).catch((e: unknown) => e as JobsConfigError);
    expect((error as JobsConfigError).message).toBe(`[ingest] ${file}: jobs[1] "playback".batchSize: must be a positive integer, got -3`);
    expect((error as JobsConfigError).file).toBe(file);
  });

  it.each<[string, unknown, string]>([
    ["a configuration that is an array", [], ': must be an object with "kafka" and "jobs", got an array'],
    ["an unknown top-level field", { ...config(job()), job: [] }, "job: is not a field of the configuration; did you mean \"jobs\"?"],
    ["no kafka", { jobs: [job()] }, 'kafka: is missing; give { "brokers": ["127.0.0.1:19092"] }'],
    ["an unknown kafka field", { kafka: { brokers: ["h:1"], ssl: true }, jobs: [job()] }, "kafka.ssl: is not a field of kafka; the fields are brokers, clientId"],
    ["brokers that are not host:port", { kafka: { brokers: ["localhost"] }, jobs: [job()] }, 'kafka.brokers: "localhost" is not host:port'],
    ["brokers as a string", { kafka: { brokers: "h:1" }, jobs: [job()] }, 'kafka.brokers: must be a non-empty array of strings, got "h:1"'],
    ["no jobs", { kafka: { brokers: ["h:1"] }, jobs: [] }, "jobs: must be a non-empty array, got an array; give one entry per topic"],
    ["a job that is not an object", config(job(), "auth" as never), 'jobs[1]: must be an object (name, topic, group, format, processor, eventTimeField, store), got "auth"'],
    ["a job without a name", config(job({ name: undefined })), 'jobs[0].name: is missing; name the job, e.g. "playback"'],
    ["a name with a space", config(job({ name: "play back" })), 'jobs[0].name: must be 1 to 100 letters, digits, \'.\', \'_\' or \'-\', got "play back"'],
    ["a misspelt field", config(job({ batchsize: 10 })), 'jobs[0] "auth".batchsize: is not a field of a job; did you mean "batchSize"?'],
    ["an unknown field", config(job({ partitions: 3 })), 'jobs[0] "auth".partitions: is not a field of a job; the fields are name, topic, group, format'],
    ["no topic", config(job({ topic: undefined })), 'jobs[0] "auth".topic: is missing; name the topic to read, e.g. "playback"'],
    ["a topic Kafka refuses", config(job({ topic: "auth events" })), 'jobs[0] "auth".topic: must be a Kafka topic name (1 to 249 letters, digits, \'.\', \'_\' or \'-\'), got "auth events"'],
    ["no group", config(job({ group: "" })), 'jobs[0] "auth".group: must be a non-empty string, got ""; give the consumer group'],
    ["an unknown format", config(job({ format: "protobuf" })), 'jobs[0] "auth".format: must be "json" or "avro", got "protobuf"'],
    ["no format", config(job({ format: undefined })), 'jobs[0] "auth".format: must be "json" or "avro", got nothing'],
    ["a batch size of 0", config(job({ batchSize: 0 })), 'jobs[0] "auth".batchSize: must be a positive integer, got 0'],
    ["a concurrency as text", config(job({ concurrency: "2" })), 'jobs[0] "auth".concurrency: must be a positive integer, got "2"'],
    ["a fractional window", config(job({ coalesceWindowMs: 1.5 })), 'jobs[0] "auth".coalesceWindowMs: must be an integer of 0 or more, got 1.5'],
    ["a negative window", config(job({ coalesceWindowMs: -1 })), 'jobs[0] "auth".coalesceWindowMs: must be an integer of 0 or more, got -1'],
    ["no event time field", config(job({ eventTimeField: undefined })), 'jobs[0] "auth".eventTimeField: is missing; give the event field with the event time in milliseconds'],
    ["dead letters to the job's own topic", config(job({ deadLetterTopic: "auth" })), 'jobs[0] "auth".deadLetterTopic: is the job\'s own topic; give a topic of its own, e.g. "auth.dead-letters"'],
    ["a dead-letter topic Kafka refuses", config(job({ deadLetterTopic: "dead letters" })), 'jobs[0] "auth".deadLetterTopic: must be a Kafka topic name'],
    ["avro without a schema", config(job({ format: "avro" })), 'jobs[0] "auth".schema: is missing; format "avro" needs the topic\'s Avro schema: the path of its .avsc file, relative to this configuration'],
    ["json with a schema", config(job({ schema: "avro/auth.avsc" })), 'jobs[0] "auth".schema: is for format "avro"; remove it, or set format to "avro"'],
    ["no processor", config(job({ processor: undefined })), 'jobs[0] "auth".processor: is missing; give "member-journey" or the path of an ES module exporting map(event) and schema'],
    ["an unknown processor", config(job({ processor: "member_journey" })), 'jobs[0] "auth".processor: is not a built-in processor ("member-journey") nor a path (start it with ./ or end it with .js): got "member_journey"'],
    ["no store", config(job({ store: undefined })), 'jobs[0] "auth".store: is missing; give the store, e.g. { "kind": "lmdb", "path": ".data/graph" }'],
    ["a store of no kind", config(job({ store: { kind: "mongo" } })), 'jobs[0] "auth".store.kind: must be one of "lmdb", "redis", "redis-cluster", "cassandra", got "mongo"'],
    ["a Cassandra store without keyspace", config(job({ store: { kind: "cassandra", contactPoints: ["127.0.0.1:19042"] } })), 'jobs[0] "auth".store.keyspace: is missing; give the keyspace of the graph\'s tables'],
    ["a Cassandra keyspace Cassandra refuses", config(job({ store: { kind: "cassandra", contactPoints: ["h"], keyspace: "my-graph" } })), 'jobs[0] "auth".store.keyspace: must be a Cassandra name'],
    ["a misspelt store field", config(job({ store: { kind: "redis", url: "redis://h:1", prefix: "x:" } })), 'jobs[0] "auth".store.prefix: is not a field of a redis store; its fields are kind, url, keyPrefix'],
    ["two jobs of one name", config(job(), job({ topic: "login" })), 'jobs[1] "auth".name: is also the name of jobs[0]; give each job its own name'],
    ["two jobs reading one topic in one group", config(job(), job({ name: "auth-2" })), 'jobs[1] "auth-2".group: jobs[0] "auth" reads auth in the same group, so each would get part of its partitions; give each job its own group'],
    ["one store with other options", config(job(), job({ name: "b", topic: "b", store: { kind: "lmdb", path: "graph", noSync: true } })), 'jobs[1] "b".store: is the store of jobs[0] "auth" with other options; jobs share a store, so give them the same store options'],
  ])("%s", async (_what, content, want) => {
    const got = await problems(configFile(content));
    expect(got.some((p) => p.startsWith(want)), `${want}\nnot in\n${got.join("\n")}`).toBe(true);
  });

  it("Avro schema files: missing, not JSON, not a record, not Avro", async () => {
    const file = configFile(config(
      job({ name: "a", topic: "a", format: "avro", schema: "avro/missing.avsc" }),
      job({ name: "b", topic: "b", format: "avro", schema: "avro/b.avsc" }),
      job({ name: "c", topic: "c", format: "avro", schema: "avro/c.avsc" }),
      job({ name: "d", topic: "d", format: "avro", schema: "avro/d.avsc" }),
    ), { "avro/b.avsc": "{ not json", "avro/c.avsc": '"string"', "avro/d.avsc": JSON.stringify({ type: "record", name: "D", fields: [{ name: "x", type: "decimalish" }] }) });
    const got = await problems(file);
    const folder = join(file, "..", "avro");
    expect(got[0]).toBe(`jobs[0] "a".schema: no file at ${join(folder, "missing.avsc")}; give the path of the topic's .avsc file, relative to this configuration`);
    expect(got[1]).toMatch(new RegExp(`^jobs\\[1\\] "b"\\.schema: ${join(folder, "b.avsc")} is not JSON \\(`));
    expect(got[2]).toBe(`jobs[2] "c".schema: ${join(folder, "c.avsc")} is not an Avro record schema ({ "type": "record", "name": ..., "fields": [...] }); an event is one record`);
    expect(got[3]).toMatch(new RegExp(`^jobs\\[3\\] "d"\\.schema: ${join(folder, "d.avsc")} is not an Avro schema \\(.*decimalish`));
    expect(got).toHaveLength(4);
  });

  it("processor modules: missing, failing to load, without map, with a bad schema; and two schemas on one store", async () => {
    const schema = 'export const schema = { nodes: { user: {} }, edges: {} };';
    const file = configFile(config(
      job({ name: "a", topic: "a", processor: "./missing.mjs" }),
      job({ name: "b", topic: "b", processor: "./throws.mjs" }),
      job({ name: "c", topic: "c", processor: "./no-map.mjs" }),
      job({ name: "d", topic: "d", processor: "./bad-schema.mjs" }),
      job({ name: "e", topic: "e", processor: "./users.mjs" }),
    ), {
      "throws.mjs": "throw new Error('boom at load');",
      "no-map.mjs": `${schema}\nexport function mapper() { return []; }`,
      "bad-schema.mjs": "export const schema = { nodes: { a: {} }, edges: { e: { from: \"a\", to: \"nope\" } } };\nexport const map = () => [];",
      "users.mjs": `${schema}\nexport const map = () => [];`,
    });
    const got = await problems(file);
    const at = (name: string): string => join(file, "..", name);
    expect(got[0]).toBe(`jobs[0] "a".processor: no file at ${at("missing.mjs")}; give the path of an ES module exporting map(event) and schema, relative to this configuration`);
    expect(got[1]).toBe(`jobs[1] "b".processor: cannot load ${at("throws.mjs")} (boom at load)`);
    expect(got[2]).toBe(`jobs[2] "c".processor: ${at("no-map.mjs")} exports no function "map"; export map(event) returning the event's mutations`);
    expect(got[3]).toMatch(new RegExp(`^jobs\\[3\\] "d"\\.processor: the schema ${at("bad-schema.mjs")} exports is not valid \\(.*edge e\\.to`));
    // Every job is valid on its own but e writes the member-journey jobs' store with another schema.
    expect(got).toHaveLength(4);
    const shared = configFile(config(job(), job({ name: "users", topic: "users", processor: "./users.mjs" })), { "users.mjs": `${schema}\nexport const map = () => [];` });
    expect(await problems(shared)).toEqual([
      'jobs[1] "users".store: is the store of jobs[0] "auth", whose processor has another graph schema; a store holds one graph: give this job a store of its own',
    ]);
  });

  it("every problem of a file at once, in the file's order", async () => {
    const file = configFile({ kafka: { brokers: ["h:1"] }, jobs: [job({ batchSize: -3, format: "xml" }), job({ name: "b", topic: "b", store: { kind: "redis" } })] });
    expect(await problems(file)).toEqual([
      'jobs[0] "auth".format: must be "json" or "avro", got "xml"',
      'jobs[0] "auth".batchSize: must be a positive integer, got -3',
      'jobs[1] "b".store.url: is missing; give a Redis URL, e.g. "redis://127.0.0.1:16379"',
    ]);
    const error = await loadJobsConfig(file, { stores }).catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe(`[ingest] ${file}: 3 problems:\n  jobs[0] "auth".format: must be "json" or "avro", got "xml"\n  jobs[0] "auth".batchSize: must be a positive integer, got -3\n  jobs[1] "b".store.url: is missing; give a Redis URL, e.g. "redis://127.0.0.1:16379"`);
  });
});
