import type { Mutation } from "@rdg/model";
import { IngestOptionsError } from "../errors/ingest-options-error.js";
import type { MemberEvent } from "./member-events.js";
import { DEVICE_KINDS, TOPIC_BY_CODE, MEMBER_EVENT_TYPES, writeMemberEvent, type MemberEventViews } from "./member-event-codec.js";
import { exponential, seededRandom, zipfSampler } from "./random.js";

/** The traffic mix; every default is documented in the package README. */
export interface MemberJourneyOptions {
  /** @default 42 */
  readonly seed?: number;
  /** Member accounts; each has 1-5 profiles and 1-4 devices. @default 50000 */
  readonly accounts?: number;
  /** Sessions in progress at any moment. @default 20000 */
  readonly concurrentSessions?: number;
  /** Catalogue size. @default 5000 */
  readonly titles?: number;
  /** Games; game i is based on title i. @default 200 */
  readonly games?: number;
  /** @default 20 */
  readonly liveEvents?: number;
  /** Popularity skew of titles (Zipf exponent). @default 1.0 */
  readonly zipfExponent?: number;
  /** Seconds between playback heartbeats. @default 30 */
  readonly heartbeatSec?: number;
  /** Seconds between game heartbeats. @default 60 */
  readonly gameHeartbeatSec?: number;
  /** Mean viewing length per play, minutes. @default 40 */
  readonly meanViewMin?: number;
  /** Mean game session, minutes. @default 15 */
  readonly meanGameMin?: number;
  /** Simulated time of the first event, ms. @default now minus 6 hours */
  readonly startTime?: number;
  /**
   * Simulate only the accounts `a` with `a % count === index`: one part of a generator split
   * over threads (see `memberJourneyPartition`). Every other option stays that of the whole.
   * @default { index: 0, count: 1 } (every account)
   */
  readonly accountPartition?: { readonly index: number; readonly count: number };
}

const enum Phase { Login, Search, PlayStart, Heartbeat, PlayStop, GameLaunch, GameHeartbeat, LiveJoin }
// Phases are the codec's type codes. Plain copies: loads from frozen arrays cost more here.
const KINDS = [...DEVICE_KINDS];
const TOPIC = [...TOPIC_BY_CODE];
const TYPE = [...MEMBER_EVENT_TYPES];

interface Session {
  account: number;
  accountId: string;
  profile: number;
  profileId: string;
  deviceIdx: number;
  deviceId: string;
  deviceKind: string;
  phase: Phase;
  title: number;
  game: number;
  seconds: number;
  remaining: number;
  /** Resume `title` at `seconds` after logging in (a continuation on another device). */
  resume: boolean;
}

/**
 * Simulates member journeys: a member logs in on a device, maybe searches, watches titles
 * picked by Zipf popularity with a heartbeat every 30 s, sometimes continues on another device,
 * launches the game of the title, or joins a live event. Sessions run concurrently in simulated
 * time; events come out in time order. Deterministic for a seed.
 */
export class MemberJourneyGenerator {
  readonly options: Required<MemberJourneyOptions>;
  readonly #random: () => number;
  readonly #title: () => number;
  readonly #titleIds: string[];
  readonly #gameIds: string[];
  readonly #liveIds: string[];
  readonly #sessions: Session[] = [];
  /** Accounts this generator simulates: `#accountBase + #accountStride * k`, k < #ownedAccounts. */
  readonly #accountBase: number;
  readonly #accountStride: number;
  readonly #ownedAccounts: number;
  // A binary min-heap of session indices by next event time.
  readonly #heapAt: Float64Array;
  readonly #heapSession: Int32Array;
  #generated = 0;

  constructor(options: MemberJourneyOptions = {}) {
    const o = {
      seed: 42, accounts: 50_000, concurrentSessions: 20_000, titles: 5_000, games: 200, liveEvents: 20, zipfExponent: 1.0,
      heartbeatSec: 30, gameHeartbeatSec: 60, meanViewMin: 40, meanGameMin: 15, startTime: Date.now() - 6 * 3_600_000,
      accountPartition: { index: 0, count: 1 },
      ...options,
    };
    for (const k of ["accounts", "concurrentSessions", "titles", "games", "liveEvents"] as const) {
      if (!Number.isInteger(o[k]) || o[k] < 1) throw new IngestOptionsError(k, `must be a positive integer, got ${o[k]}`);
    }
    if (o.games > o.titles) throw new IngestOptionsError("games", `${o.games} exceeds titles (${o.titles}): game i is based on title i; give at most as many games as titles`);
    const part = o.accountPartition ?? { index: 0, count: 1 };
    if (!Number.isInteger(part.count) || part.count < 1 || !Number.isInteger(part.index) || part.index < 0 || part.index >= part.count) {
      throw new IngestOptionsError("accountPartition", `must be { index, count } with whole numbers 0 <= index < count, got ${JSON.stringify(part)}`);
    }
    if (part.count > o.accounts) throw new IngestOptionsError("accountPartition", `${part.count} parts exceed the ${o.accounts} accounts: give at least one account a part`);
    this.#accountBase = part.index;
    this.#accountStride = part.count;
    this.#ownedAccounts = Math.floor((o.accounts - 1 - part.index) / part.count) + 1;
    this.options = Object.freeze(o);
    this.#random = seededRandom(o.seed);
    this.#title = zipfSampler(o.titles, o.zipfExponent, this.#random);
    this.#titleIds = Array.from({ length: o.titles }, (_, i) => `t${i}`);
    this.#gameIds = Array.from({ length: o.games }, (_, i) => `g${i}`);
    this.#liveIds = Array.from({ length: o.liveEvents }, (_, i) => `l${i}`);
    const n = o.concurrentSessions;
    this.#heapAt = new Float64Array(n);
    this.#heapSession = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const s = this.#newSession(this.#anyAccount());
      this.#sessions.push(s);
      this.#heapSession[i] = i;
      this.#heapAt[i] = o.startTime + this.#random() * o.heartbeatSec * 1000;
    }
    for (let i = (n >> 1) - 1; i >= 0; i--) this.#siftDown(i);
  }

  /** Events generated so far. */
  get generated(): number {
    return this.#generated;
  }

  /** Simulated time of the next event. */
  get clock(): number {
    return this.#heapAt[0]!;
  }

  /** The catalogue and member directory as mutations, to write before the events. */
  *catalog(): Generator<Mutation> {
    const o = this.options;
    const t0 = o.startTime - 86_400_000;
    const genres = ["drama", "comedy", "sci-fi", "documentary", "anime", "thriller"];
    for (let i = 0; i < o.titles; i++) {
      yield { op: "upsertNode", type: "title", id: this.#titleIds[i]!, props: { name: `Title ${i}`, kind: i % 3 === 0 ? "movie" : "series", genre: genres[i % genres.length]! }, time: t0 };
    }
    for (let i = 0; i < o.games; i++) {
      yield { op: "upsertNode", type: "game", id: this.#gameIds[i]!, props: { name: `Game of title ${i}` }, time: t0 };
      yield { op: "upsertEdge", type: "basedOn", from: this.#gameIds[i]!, to: this.#titleIds[i]!, time: t0 };
    }
    for (let i = 0; i < o.liveEvents; i++) {
      yield { op: "upsertNode", type: "liveEvent", id: this.#liveIds[i]!, props: { name: `Live event ${i}`, startsAt: o.startTime + i * 3_600_000 }, time: t0 };
    }
    for (let a = 0; a < o.accounts; a++) {
      yield { op: "upsertNode", type: "account", id: `a${a}`, props: { country: ["US", "BR", "IN", "DE", "JP", "KR"][a % 6]! }, time: t0 };
    }
  }

  /** An account of this generator's part, uniformly. */
  #anyAccount(): number {
    return this.#accountBase + this.#accountStride * Math.floor(this.#random() * this.#ownedAccounts);
  }

  #newSession(account: number, same?: Session): Session {
    const profiles = 1 + (account % 5);
    const devices = 1 + ((account >>> 3) % 4);
    const deviceIdx = Math.floor(this.#random() * devices);
    const profile = same?.profile ?? Math.floor(this.#random() * profiles);
    return {
      account,
      accountId: `a${account}`,
      profile,
      profileId: same?.profileId ?? `p${account}-${profile}`,
      deviceIdx,
      deviceId: `d${account}-${deviceIdx}`,
      deviceKind: KINDS[(account + deviceIdx) % 4]!,
      phase: Phase.Login,
      title: 0,
      game: 0,
      seconds: 0,
      remaining: 0,
      resume: false,
    };
  }

  /** Fills `out` with the next `count` events in time order and returns it. */
  next(count: number, out: MemberEvent[] = []): MemberEvent[] {
    for (let i = 0; i < count; i++) out.push(this.#step());
    this.#generated += count;
    return out;
  }

  /**
   * Writes the next `count` events into `out` (see member-event-codec.ts), at event index
   * `offset` onwards, without making event objects: the same events `next(count)` would return.
   */
  nextEncoded(count: number, out: MemberEventViews, offset: number = 0): void {
    const live = this.#liveIds.length;
    for (let i = 0; i < count; i++) {
      const idx = this.#heapSession[0]!;
      const time = Math.floor(this.#heapAt[0]!);
      const s = this.#sessions[idx]!;
      const phase = s.phase;
      const game = phase === Phase.GameLaunch || phase === Phase.GameHeartbeat;
      const other = game ? s.game : phase === Phase.LiveJoin ? s.game % live : 0;
      writeMemberEvent(out, offset + i, phase, time, s.account, s.profile, s.deviceIdx, game ? s.game : s.title, other, s.seconds);
      this.#heapAt[0] = time + this.#advance(s) * 1000;
      this.#siftDown(0);
    }
    this.#generated += count;
  }

  #step(): MemberEvent {
    const idx = this.#heapSession[0]!;
    const time = Math.floor(this.#heapAt[0]!);
    const s = this.#sessions[idx]!;
    const phase = s.phase;
    const event: MemberEvent = {
      topic: TOPIC[phase]!,
      type: TYPE[phase]!,
      time,
      accountId: s.accountId,
      profileId: s.profileId,
      deviceId: s.deviceId,
      deviceKind: s.deviceKind,
      titleId: phase === Phase.GameLaunch || phase === Phase.GameHeartbeat ? this.#titleIds[s.game]! : this.#titleIds[s.title]!,
      gameId: phase === Phase.GameLaunch || phase === Phase.GameHeartbeat ? this.#gameIds[s.game]! : "",
      liveEventId: phase === Phase.LiveJoin ? this.#liveIds[s.game % this.#liveIds.length]! : "",
      seconds: s.seconds,
      query: phase === Phase.Search ? `title ${s.title}` : "",
    };
    this.#heapAt[0] = time + this.#advance(s) * 1000;
    this.#siftDown(0);
    return event;
  }

  /** Moves a session to its next phase; returns seconds until its next event. */
  #advance(s: Session): number {
    const o = this.options;
    const r = this.#random;
    switch (s.phase) {
      case Phase.Login:
        if (s.resume) {
          s.phase = Phase.PlayStart;
          return 2 + r() * 10;
        }
        if (r() < 0.3) {
          s.phase = Phase.Search;
          s.title = this.#title();
          return 5 + r() * 20;
        }
        s.phase = Phase.PlayStart;
        s.title = this.#title();
        return 2 + r() * 10;
      case Phase.Search:
        s.phase = Phase.PlayStart;
        return 3 + r() * 15;
      case Phase.PlayStart:
        s.remaining = Math.max(1, Math.round(exponential(o.meanViewMin * 60, r) / o.heartbeatSec));
        s.phase = Phase.Heartbeat;
        return o.heartbeatSec;
      case Phase.Heartbeat:
        s.seconds += o.heartbeatSec;
        if (--s.remaining > 0) return o.heartbeatSec;
        s.phase = Phase.PlayStop;
        return r() * o.heartbeatSec;
      case Phase.PlayStop:
        return this.#afterPlay(s);
      case Phase.GameLaunch:
        s.remaining = Math.max(1, Math.round(exponential(o.meanGameMin * 60, r) / o.gameHeartbeatSec));
        s.seconds = 0;
        s.phase = Phase.GameHeartbeat;
        return o.gameHeartbeatSec;
      case Phase.GameHeartbeat:
        s.seconds += o.gameHeartbeatSec;
        if (--s.remaining > 0) return o.gameHeartbeatSec;
        return this.#endSession(s);
      case Phase.LiveJoin:
        return this.#endSession(s);
    }
  }

  #afterPlay(s: Session): number {
    const r = this.#random();
    if (r < 0.12) {
      // The game of the title just watched, when it has one.
      s.game = s.title < this.options.games ? s.title : Math.floor(this.#random() * this.options.games);
      s.phase = Phase.GameLaunch;
      return 10 + this.#random() * 60;
    }
    if (r < 0.55) {
      s.phase = Phase.PlayStart;
      s.title = this.#title();
      s.seconds = 0;
      return 20 + this.#random() * 120;
    }
    if (r < 0.58) {
      s.game = Math.floor(this.#random() * this.options.liveEvents);
      s.phase = Phase.LiveJoin;
      return 30 + this.#random() * 300;
    }
    return this.#endSession(s);
  }

  #endSession(s: Session): number {
    const idx = this.#heapSession[0]!;
    if (s.phase === Phase.PlayStop && this.#random() < 0.25) {
      // Continue on another device of the same account: phone on the train, then the TV at home.
      const next = this.#newSession(s.account, s);
      next.title = s.title;
      next.seconds = s.seconds;
      next.resume = true;
      this.#sessions[idx] = next;
    } else {
      this.#sessions[idx] = this.#newSession(this.#anyAccount());
    }
    return 60 + this.#random() * 900;
  }

  #siftDown(i: number): void {
    const at = this.#heapAt;
    const ses = this.#heapSession;
    const n = at.length;
    const t = at[i]!;
    const s = ses[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && at[c + 1]! < at[c]!) c++;
      if (at[c]! >= t) break;
      at[i] = at[c]!;
      ses[i] = ses[c]!;
      i = c;
    }
    at[i] = t;
    ses[i] = s;
  }
}
