import type {} from "@fastify/swagger";
import type { Scope } from "../auth/tokens.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The token scope a route needs; a route without one is public (health, metrics, docs). */
    scope?: Scope;
    /** A name for the 405 guards' metrics. */
    routeName?: string;
  }
}

export {};
