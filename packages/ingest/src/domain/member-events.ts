/** Topics of the member-journey domain, one ingestion job each. */
export type MemberTopic = "auth" | "playback" | "gaming" | "live" | "search";

/**
 * One member event. A single shape for every type keeps the generator and the mapper fast
 * (one hidden class); fields a type does not use are empty strings or zero.
 */
export interface MemberEvent {
  readonly topic: MemberTopic;
  readonly type: "login" | "playStart" | "heartbeat" | "playStop" | "gameLaunch" | "gameHeartbeat" | "liveJoin" | "search";
  /** Event time, milliseconds. */
  readonly time: number;
  readonly accountId: string;
  readonly profileId: string;
  readonly deviceId: string;
  readonly deviceKind: string;
  /** Title watched, or the title a game is based on. */
  readonly titleId: string;
  readonly gameId: string;
  readonly liveEventId: string;
  /** Playback position or game session length, seconds. */
  readonly seconds: number;
  readonly query: string;
}
