import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { RdgError, isInputError, validateMutation, type Mutation } from "@rdg/model";
import { edgesTag, nodeTag } from "../cache/read-cache.js";
import { ServerError } from "../errors/server-error.js";
import { exceeded } from "../limits/server-limits.js";
import { EventsAnswer, EventsBody, TopicParams, withErrors, type EventsAnswer as Answer } from "../schemas/api-schemas.js";
import type { EventProcessor, ServerContext } from "../server-context.js";

interface Mapped {
  readonly index: number;
  readonly mutations: readonly Mutation[];
}

type Rejection = Answer["rejected"][number];

const rejection = (index: number, error: unknown): Rejection => ({
  index,
  code: RdgError.isInstance(error) ? error.code : "BAD_EVENT",
  reason: error instanceof Error ? error.message : String(error),
});

/** Maps and checks each event on its own: a bad event is refused, the others go on. */
function mapEvents(ctx: ServerContext, processor: EventProcessor, events: readonly unknown[]): { mapped: Mapped[]; rejected: Rejection[] } {
  const mapped: Mapped[] = [];
  const rejected: Rejection[] = [];
  events.forEach((event, index) => {
    try {
      const mutations = processor.map(event);
      for (const m of mutations) validateMutation(ctx.graph.schema, m);
      mapped.push({ index, mutations });
    } catch (error) {
      rejected.push(rejection(index, error));
    }
  });
  return { mapped, rejected };
}

/**
 * Writes the mapped events in one graph write; when the graph refuses the batch for its
 * content, writes each event alone to find the ones it refuses. Any other error (a store
 * outage) is thrown: some events may then be written, and sending the batch again is safe
 * (last write wins).
 */
async function writeEvents(ctx: ServerContext, mapped: Mapped[], rejected: Rejection[]): Promise<Mapped[]> {
  try {
    await ctx.graph.write(mapped.flatMap((m) => m.mutations));
    return mapped;
  } catch (error) {
    if (!isInputError(error)) throw error;
  }
  const written: Mapped[] = [];
  for (const m of mapped) {
    try {
      await ctx.graph.write(m.mutations);
      written.push(m);
    } catch (error) {
      if (!isInputError(error)) throw error;
      rejected.push(rejection(m.index, error));
    }
  }
  return written;
}

/** The cache entries a mutation makes stale: its node, or both ends' pages of its edge type. */
function* touched(m: Mutation): Generator<string> {
  if (m.op === "upsertNode" || m.op === "deleteNode") yield nodeTag(m.type, m.id);
  else {
    yield edgesTag(m.type, m.from);
    yield edgesTag(m.type, m.to);
  }
}

/** `POST /v1/events/{topic}`: a batch of one topic's events, mapped by its processor and written. */
export function eventRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post("/v1/events/:topic", {
    schema: {
      summary: "A batch of events of one topic, mapped by the topic's processor and written; answers how many were applied and why each refused one was",
      tags: ["events"],
      params: TopicParams,
      body: EventsBody,
      response: withErrors({ 200: EventsAnswer }),
      security: [{ bearer: [] }],
    },
    config: { scope: "write" },
  }, async (request): Promise<Answer> => {
    const { topic } = request.params;
    const processor = Object.hasOwn(ctx.topics, topic) ? ctx.topics[topic] : undefined;
    if (processor === undefined) {
      const known = Object.keys(ctx.topics);
      throw new ServerError("NOT_FOUND", `no topic ${JSON.stringify(topic)}; ${known.length === 0 ? "this server takes no events" : `the topics are ${known.join(", ")}`}`, { field: "params.topic" });
    }
    const { events } = request.body;
    if (events.length > ctx.limits.maxBatchSize) throw exceeded("body.events", `${events.length} events`, "maxBatchSize", ctx.limits.maxBatchSize, `send at most ${ctx.limits.maxBatchSize} events per request`);
    const { mapped, rejected } = mapEvents(ctx, processor, events);
    let written: Mapped[] = [];
    try {
      if (mapped.length > 0) written = await writeEvents(ctx, mapped, rejected);
    } finally {
      // After a failed write some of it may be stored: drop what any of the batch touches. The
      // epoch moves too, so reads in flight do not cache what they read before this write.
      const tags = new Set<string>();
      for (const m of mapped) for (const mutation of m.mutations) for (const tag of touched(mutation)) tags.add(tag);
      ctx.cache.invalidate(tags);
    }
    const mutations = written.reduce((n, m) => n + m.mutations.length, 0);
    ctx.metrics.events(topic, written.length, rejected.length);
    return { topic, applied: written.length, mutations, rejected: rejected.sort((a, b) => a.index - b.index) };
  });
}
