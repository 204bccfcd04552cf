import { defineSchema } from "../schema/define-schema.js";
import type { Schema, SchemaDefinition } from "../schema/schema-types.js";

const DAY = 86_400_000;

/**
 * The member journey of the seed article: a member watches a title on a phone, continues on a
 * TV, then launches the title's game on a tablet. Hot edge types use hour buckets, so a title
 * watched by millions reads its newest viewers from one small record.
 */
export const MEMBER_JOURNEY_DEFINITION: SchemaDefinition = {
  nodes: {
    account: { properties: { country: "string", plan: { type: "string", optional: true } } },
    profile: { properties: { name: { type: "string", optional: true }, maturity: { type: "string", optional: true } } },
    device: { properties: { kind: "string", os: { type: "string", optional: true } } },
    title: { properties: { name: "string", kind: "string", genre: { type: "string", optional: true } } },
    game: { properties: { name: "string", genre: { type: "string", optional: true } } },
    liveEvent: { properties: { name: "string", startsAt: "timestamp" } },
    searchQuery: { properties: { text: "string" } },
  },
  edges: {
    hasProfile: { from: "account", to: "profile", inverse: "profileOf", bucketMs: 30 * DAY },
    loggedInFrom: { from: "account", to: "device", inverse: "loginsOf", properties: { method: "string" } },
    usesDevice: { from: "profile", to: "device", inverse: "usedBy", properties: { lastSeen: "timestamp" } },
    watched: {
      from: "profile",
      to: "title",
      inverse: "watchedBy",
      bucketMs: 3_600_000,
      lookbackMs: 100 * DAY,
      properties: { deviceId: "string", positionSec: "int", completed: { type: "boolean", optional: true } },
    },
    played: { from: "profile", to: "game", inverse: "playedBy", bucketMs: 3_600_000, lookbackMs: 100 * DAY, properties: { deviceId: "string", sessionSec: "int" } },
    basedOn: { from: "game", to: "title", inverse: "hasGame", bucketMs: 365 * DAY },
    attended: { from: "profile", to: "liveEvent", inverse: "attendedBy", bucketMs: 3_600_000, properties: { deviceId: "string" } },
    searched: { from: "profile", to: "searchQuery", inverse: "searchedBy", properties: { results: "int" } },
  },
};

/** The member-journey schema, checked and frozen. */
export const memberJourneySchema: Schema = defineSchema(MEMBER_JOURNEY_DEFINITION);
