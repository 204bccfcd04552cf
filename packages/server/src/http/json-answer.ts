import type { FastifyReply } from "fastify";

/** The content type fastify sends with an answer it serialized; a cached answer's bytes carry the same. */
export const JSON_TYPE = "application/json; charset=utf-8";

/**
 * Sends JSON already serialized by the route's response schema (`reply.serialize`), as is: the
 * type provider types `send` for the answer's object, not for its bytes.
 */
export function sendJson(reply: object, json: Buffer): FastifyReply {
  return (reply as FastifyReply).type(JSON_TYPE).send(json);
}
