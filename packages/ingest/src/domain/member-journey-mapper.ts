import type { Mutation } from "@rdg/model";
import { BadEventError } from "../errors/bad-event-error.js";
import type { MemberEvent } from "./member-events.js";

function need(e: MemberEvent, field: keyof MemberEvent): string {
  const v = e[field];
  if (typeof v !== "string" || v === "") throw new BadEventError(`${e.type} event needs ${field}`, { field });
  return v;
}

/**
 * Member-journey events to graph mutations (see the schema in @rdg/model). Heartbeats update
 * the watched edge only; the device link is refreshed by the events that start something.
 * A login also upserts the profile node (its properties are all optional, so the id is
 * enough) and the device node. Every upsert carries every required property of its type, so
 * none is `partial`; the accounts, titles, games and live events come from the catalogue.
 */
export function mapMemberEvent(e: MemberEvent): Mutation[] {
  if (typeof e !== "object" || e === null) throw new BadEventError("not an object");
  const time = e.time;
  if (typeof time !== "number" || !Number.isFinite(time)) throw new BadEventError(`${JSON.stringify(time)} is not a number of milliseconds`, { field: "time" });
  switch (e.type) {
    case "login":
      return [
        { op: "upsertNode", type: "device", id: need(e, "deviceId"), props: { kind: need(e, "deviceKind") }, time },
        { op: "upsertNode", type: "profile", id: need(e, "profileId"), time },
        { op: "upsertEdge", type: "hasProfile", from: need(e, "accountId"), to: e.profileId, time },
        { op: "upsertEdge", type: "loggedInFrom", from: e.accountId, to: e.deviceId, props: { method: "password" }, time },
        { op: "upsertEdge", type: "usesDevice", from: e.profileId, to: e.deviceId, props: { lastSeen: time }, time },
      ];
    case "playStart":
      return [
        { op: "upsertEdge", type: "watched", from: need(e, "profileId"), to: need(e, "titleId"), props: { deviceId: need(e, "deviceId"), positionSec: e.seconds }, time },
        { op: "upsertEdge", type: "usesDevice", from: e.profileId, to: e.deviceId, props: { lastSeen: time }, time },
      ];
    case "heartbeat":
      return [{ op: "upsertEdge", type: "watched", from: need(e, "profileId"), to: need(e, "titleId"), props: { deviceId: need(e, "deviceId"), positionSec: e.seconds }, time }];
    case "playStop":
      return [{ op: "upsertEdge", type: "watched", from: need(e, "profileId"), to: need(e, "titleId"), props: { deviceId: need(e, "deviceId"), positionSec: e.seconds, completed: true }, time }];
    case "gameLaunch":
      return [
        { op: "upsertEdge", type: "played", from: need(e, "profileId"), to: need(e, "gameId"), props: { deviceId: need(e, "deviceId"), sessionSec: 0 }, time },
        { op: "upsertEdge", type: "usesDevice", from: e.profileId, to: e.deviceId, props: { lastSeen: time }, time },
      ];
    case "gameHeartbeat":
      return [{ op: "upsertEdge", type: "played", from: need(e, "profileId"), to: need(e, "gameId"), props: { deviceId: need(e, "deviceId"), sessionSec: e.seconds }, time }];
    case "liveJoin":
      return [{ op: "upsertEdge", type: "attended", from: need(e, "profileId"), to: need(e, "liveEventId"), props: { deviceId: need(e, "deviceId") }, time }];
    case "search": {
      const id = `q:${need(e, "query").toLowerCase()}`;
      return [
        { op: "upsertNode", type: "searchQuery", id, props: { text: e.query }, time },
        { op: "upsertEdge", type: "searched", from: need(e, "profileId"), to: id, props: { results: e.seconds }, time },
      ];
    }
    default:
      throw new BadEventError(`unknown type ${JSON.stringify((e as { type: unknown }).type)}; known: login, playStart, heartbeat, playStop, gameLaunch, gameHeartbeat, liveJoin, search`, { field: "type" });
  }
}

/** Event time of a member event. */
export const memberEventTime = (e: MemberEvent): number => e.time;
