import { BadEventError } from "../errors/bad-event-error.js";
import { IngestOptionsError } from "../errors/ingest-options-error.js";
import type { MemberEvent, MemberTopic } from "../domain/member-events.js";

/** The member-journey example's topics, one ingestion job each. */
export const MEMBER_JOURNEY_TOPICS: readonly MemberTopic[] = Object.freeze(["auth", "playback", "gaming", "live", "search"]);

/** Which topic each kind of member event is published to. */
export const MEMBER_EVENT_TOPICS: Readonly<Record<MemberEvent["type"], MemberTopic>> = Object.freeze({
  login: "auth",
  playStart: "playback",
  heartbeat: "playback",
  playStop: "playback",
  gameLaunch: "gaming",
  gameHeartbeat: "gaming",
  liveJoin: "live",
  search: "search",
});

const LEGAL = /^[A-Za-z0-9._-]*$/;

/**
 * The Kafka topic name of each member-journey topic: `prefix` + topic (`"test-1."` gives
 * `test-1.auth`, ...). Kafka allows letters, digits, `.`, `_` and `-`, 249 characters at most.
 */
export function memberJourneyTopicNames(prefix = ""): Readonly<Record<MemberTopic, string>> {
  if (!LEGAL.test(prefix) || prefix.length > 240) {
    throw new IngestOptionsError("topicPrefix", `"${prefix}" cannot start a Kafka topic name; use letters, digits, '.', '_' and '-' only, 240 characters at most`);
  }
  return Object.freeze(Object.fromEntries(MEMBER_JOURNEY_TOPICS.map((t) => [t, `${prefix}${t}`])) as Record<MemberTopic, string>);
}

/** The topic of a member event, by its type; an unknown type is a `BadEventError`. */
export function memberEventTopic(e: MemberEvent): MemberTopic {
  const topic = Object.hasOwn(MEMBER_EVENT_TOPICS, e.type) ? MEMBER_EVENT_TOPICS[e.type] : undefined;
  if (topic === undefined) throw new BadEventError(`unknown type ${JSON.stringify(e.type)}; known: ${Object.keys(MEMBER_EVENT_TOPICS).join(", ")}`, { field: "type" });
  return topic;
}

/**
 * The record key of a member event: the member, i.e. its profile id (the account id when the
 * event has no profile). Kafka puts one key in one partition, so one member's events stay in
 * order for the job that reads them.
 */
export function memberEventKey(e: MemberEvent): string {
  const key = e.profileId !== "" ? e.profileId : e.accountId;
  if (typeof key !== "string" || key === "") throw new BadEventError(`${e.type} event has neither profileId nor accountId to key it by`, { field: "profileId" });
  return key;
}

/** `topicOf` and `keyOf` for a `KafkaEventProducer` of member events, topics named with `prefix`. */
export function memberJourneyRouting(prefix = ""): { readonly topicOf: (e: MemberEvent) => string; readonly keyOf: (e: MemberEvent) => string } {
  const names = memberJourneyTopicNames(prefix);
  return Object.freeze({ topicOf: (e: MemberEvent) => names[memberEventTopic(e)], keyOf: memberEventKey });
}
