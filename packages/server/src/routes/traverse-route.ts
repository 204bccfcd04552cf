import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { HopSpec } from "@rdg/graph";
import { ServerError } from "../errors/server-error.js";
import { signalOf, untilAborted } from "../http/request-signal.js";
import { exceeded } from "../limits/server-limits.js";
import { TraverseAnswer, TraverseBody, withErrors, type TraverseAnswer as Answer, type TraverseBody as Body } from "../schemas/api-schemas.js";
import type { ServerContext } from "../server-context.js";
import { checkNodeRef, resolveEdgeRead } from "./schema-checks.js";

interface PlannedHop {
  readonly hop: HopSpec;
  readonly edgeType: string;
  readonly nodeType: string;
}

/** Checks a traversal against the schema and the limits; each step starts where the previous one ends. */
function plan(ctx: ServerContext, body: Body): { hops: PlannedHop[]; limit: number; deadlineMs: number } {
  const { limits, graph } = ctx;
  checkNodeRef(graph.schema, body.start.type, body.start.id, "body.start");
  if (body.steps.length > limits.maxHops) throw exceeded("body.steps", `${body.steps.length} steps`, "maxHops", limits.maxHops, `ask for at most ${limits.maxHops} steps`);
  const limit = body.limit ?? limits.maxTraversalEdges;
  if (limit > limits.maxTraversalEdges) throw exceeded("body.limit", limit, "maxTraversalEdges", limits.maxTraversalEdges, `ask for at most ${limits.maxTraversalEdges} edges`);
  const deadlineMs = body.deadlineMs ?? limits.traversalDeadlineMs;
  if (deadlineMs > limits.traversalDeadlineMs) throw exceeded("body.deadlineMs", deadlineMs, "traversalDeadlineMs", limits.traversalDeadlineMs, `ask for at most ${limits.traversalDeadlineMs} ms`);
  let at = body.start.type;
  const hops = body.steps.map((step, i) => {
    const field = `body.steps[${i}]`;
    const { edge, otherType } = resolveEdgeRead(graph.schema, at, step.edgeType, step.direction, `${field}.edgeType`);
    const perNode = step.limit ?? limits.defaultFanOut;
    if (perNode > limits.maxFanOut) throw exceeded(`${field}.limit`, perNode, "maxFanOut", limits.maxFanOut, `ask for at most ${limits.maxFanOut} edges per node`);
    if (step.since !== undefined && step.until !== undefined && step.until <= step.since) {
      throw new ServerError("INVALID_REQUEST", `until ${step.until} must be after since ${step.since}`, { field: `${field}.until` });
    }
    at = otherType;
    const hop: HopSpec = { edge: step.edgeType, direction: step.direction, limit: perNode, since: step.since, until: step.until, where: step.where, nodeWhere: step.filter };
    return { hop, edgeType: edge.def.name, nodeType: otherType };
  });
  return { hops, limit, deadlineMs };
}

/** `POST /v1/traverse`: 1 to 4 steps from a start node, partial when a limit or the deadline cut it. */
export function traverseRoute(app: FastifyInstance, ctx: ServerContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post("/v1/traverse", {
    schema: {
      summary: "Breadth-first traversal of 1 to 4 steps from a start node, with per-step limits, windows and filters, an overall limit and a deadline",
      tags: ["traversal"],
      body: TraverseBody,
      response: withErrors({ 200: TraverseAnswer }),
      security: [{ bearer: [] }],
    },
    config: { scope: "read" },
  }, async (request): Promise<Answer> => {
    const { hops, limit, deadlineMs } = plan(ctx, request.body);
    const signal = signalOf(request);
    // A store that is down must answer 503, not a traversal cut empty by its deadline.
    await untilAborted(signal, ctx.graph.ready());
    const result = await untilAborted(signal, ctx.graph.traverse({ start: [request.body.start.id], hops: hops.map((h) => h.hop), maxEdges: limit, deadlineMs, signal }));
    const levels = result.levels.map((level) => {
      const planned = hops[level.depth - 1]!;
      return { depth: level.depth, edgeType: planned.edgeType, nodeType: planned.nodeType, nodes: level.nodes, edges: level.edges as Answer["levels"][number]["edges"] };
    });
    return result.reason === undefined
      ? { partial: result.partial, elapsedMs: result.elapsedMs, levels }
      : { partial: result.partial, reason: result.reason, elapsedMs: result.elapsedMs, levels };
  });
}
