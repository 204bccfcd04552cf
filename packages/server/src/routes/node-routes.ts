import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { nodeTag } from "../cache/read-cache.js";
import { ServerError } from "../errors/server-error.js";
import { sendJson } from "../http/json-answer.js";
import { signalOf, untilAborted } from "../http/request-signal.js";
import { exceeded } from "../limits/server-limits.js";
import { BatchAnswer, BatchBody, Node, NodeParams, withErrors, type NodeBody } from "../schemas/api-schemas.js";
import type { ServerContext } from "../server-context.js";
import { checkNodeRef } from "./schema-checks.js";

/** Rough bytes of a cached answer: its JSON length, plus the key and the entry's own overhead. */
export const sizeOf = (key: string, value: unknown): number => key.length + 64 + (value === null ? 4 : JSON.stringify(value).length);

/** A cached node: the answer, and its bytes as `GET /v1/nodes/{type}/{id}` sends them once one has. */
interface CachedNode {
  readonly body: NodeBody | null;
  json: Buffer | undefined;
}

/** A node through the cache; null when it does not exist (also cached: hot misses stay cheap). */
async function readCachedNode(ctx: ServerContext, type: string, id: string, signal: AbortSignal): Promise<CachedNode> {
  const key = nodeTag(type, id);
  if (ctx.cache.enabled) {
    const hit = ctx.cache.get(key);
    ctx.metrics.cache("node", hit !== undefined);
    if (hit !== undefined) return hit as CachedNode;
  }
  const epoch = ctx.cache.epoch();
  const node = await ctx.graph.getNode(type, id, { signal });
  const body = node === undefined ? null : { type, id, props: node.props as Record<string, unknown>, updatedAt: node.updatedAt };
  const entry: CachedNode = { body, json: undefined };
  // Counted at twice the JSON size: the answer and, once a GET asked for it, its bytes.
  if (ctx.cache.enabled) ctx.cache.set(key, entry, 2 * sizeOf(key, body), [key], epoch);
  return entry;
}

/** A node through the cache; null when it does not exist. */
export async function readNode(ctx: ServerContext, type: string, id: string, signal: AbortSignal): Promise<NodeBody | null> {
  return (await readCachedNode(ctx, type, id, signal)).body;
}

/** `GET /v1/nodes/{type}/{id}` and `POST /v1/nodes/batch`. */
export function nodeRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get("/v1/nodes/:type/:id", {
    schema: { summary: "A node by type and id", tags: ["nodes"], params: NodeParams, response: withErrors({ 200: Node }), security: [{ bearer: [] }] },
    config: { scope: "read" },
  }, async (request, reply) => {
    const { type, id } = request.params;
    checkNodeRef(ctx.graph.schema, type, id, "params");
    const signal = signalOf(request);
    const node = await untilAborted(signal, readCachedNode(ctx, type, id, signal));
    if (node.body === null) throw new ServerError("NOT_FOUND", `no ${type} ${JSON.stringify(id)}`, { field: "params.id" });
    // Serialized once per cached node by the route's schema; later hits write the same bytes.
    node.json ??= Buffer.from(String(reply.serialize(node.body)));
    return sendJson(reply, node.json);
  });

  api.post("/v1/nodes/batch", {
    schema: { summary: "Many nodes by type and id, in the order asked", tags: ["nodes"], body: BatchBody, response: withErrors({ 200: BatchAnswer }), security: [{ bearer: [] }] },
    config: { scope: "read" },
  }, async (request) => {
    const { nodes } = request.body;
    if (nodes.length > ctx.limits.maxBatchSize) throw exceeded("body.nodes", `${nodes.length} nodes`, "maxBatchSize", ctx.limits.maxBatchSize, `ask for at most ${ctx.limits.maxBatchSize} nodes per request`);
    nodes.forEach((n, i) => checkNodeRef(ctx.graph.schema, n.type, n.id, `body.nodes[${i}]`));
    const signal = signalOf(request);
    return { nodes: await untilAborted(signal, Promise.all(nodes.map((n) => readNode(ctx, n.type, n.id, signal)))) };
  });
}
