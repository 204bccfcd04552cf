import { endianness } from "node:os";
import type { MemberEvent, MemberTopic } from "./member-events.js";

/*
 * A compact binary form of generated member events, for handing batches between threads as
 * transferred buffers (one ArrayBuffer a batch, no object graph to clone). Every id of a
 * generated event is a number in a fixed pattern (`a<account>`, `p<account>-<profile>`,
 * `d<account>-<device>`, `t<title>`, `g<game>`, `l<live event>`, query `title <title>`), so an
 * event is 32 bytes of numbers:
 *
 *   0  f64 time (ms)        8  f64 seconds
 *   16 u32 account          20 u32 title (the game's title for game events)
 *   24 u32 game or live event index (0 when the type has none)
 *   28 u8 type code (MEMBER_EVENT_TYPES)   29 u8 profile   30 u8 device   31 reserved (0)
 *
 * Byte order is the platform's (typed arrays): a form for threads of one process, not for
 * files or the network; JSON lines (`memberEventsToJsonLines`) is the form for those.
 */

/** Bytes of one encoded event. */
export const MEMBER_EVENT_BYTES = 32;

/** Event types by code. */
export const MEMBER_EVENT_TYPES: readonly MemberEvent["type"][] = Object.freeze(["login", "search", "playStart", "heartbeat", "playStop", "gameLaunch", "gameHeartbeat", "liveJoin"]);
/** The topic of each event type, by code. */
export const TOPIC_BY_CODE: readonly MemberTopic[] = Object.freeze(["auth", "search", "playback", "playback", "playback", "gaming", "gaming", "live"]);
/** Device kinds: device `d` of account `a` is of kind `(a + d) % 4`. */
export const DEVICE_KINDS: readonly string[] = Object.freeze(["phone", "tv", "tablet", "laptop"]);
// Plain copies for the hot loops: loads from frozen arrays cost more.
const TYPES = [...MEMBER_EVENT_TYPES];
const TOPICS = [...TOPIC_BY_CODE];
const KINDS = [...DEVICE_KINDS];
const SEARCH = 1;
const GAME_LAUNCH = 5;
const GAME_HEARTBEAT = 6;
const LIVE_JOIN = 7;

if (endianness() !== "LE") throw new Error("[ingest] the member event codec assumes a little-endian platform");

/** Typed views of one batch buffer; `count` events are filled. */
export interface MemberEventViews {
  readonly f64: Float64Array;
  readonly u32: Uint32Array;
  readonly u8: Uint8Array;
}

/** Views over a buffer of encoded events. */
export function memberEventViews(buffer: ArrayBufferLike, byteOffset: number = 0, count: number = (buffer.byteLength - byteOffset) / MEMBER_EVENT_BYTES): MemberEventViews {
  return {
    f64: new Float64Array(buffer, byteOffset, count * 4),
    u32: new Uint32Array(buffer, byteOffset, count * 8),
    u8: new Uint8Array(buffer, byteOffset, count * MEMBER_EVENT_BYTES),
  };
}

/** Writes event `i`; the generator calls it with the numbers its sessions hold. */
export function writeMemberEvent(v: MemberEventViews, i: number, type: number, time: number, account: number, profile: number, device: number, title: number, other: number, seconds: number): void {
  v.f64[i * 4] = time;
  v.f64[i * 4 + 1] = seconds;
  const w = i * 8;
  v.u32[w + 4] = account;
  v.u32[w + 5] = title;
  v.u32[w + 6] = other;
  const b = i * MEMBER_EVENT_BYTES;
  v.u8[b + 28] = type;
  v.u8[b + 29] = profile;
  v.u8[b + 30] = device;
}

/** Event `i` as the object the generator's `next()` returns for it. */
export function readMemberEvent(v: MemberEventViews, i: number): MemberEvent {
  const w = i * 8;
  const b = i * MEMBER_EVENT_BYTES;
  const type = v.u8[b + 28]!;
  const account = v.u32[w + 4]!;
  const device = v.u8[b + 30]!;
  const title = v.u32[w + 5]!;
  const other = v.u32[w + 6]!;
  return {
    topic: TOPICS[type]!,
    type: TYPES[type]!,
    time: v.f64[i * 4]!,
    accountId: `a${account}`,
    profileId: `p${account}-${v.u8[b + 29]!}`,
    deviceId: `d${account}-${device}`,
    deviceKind: KINDS[(account + device) % 4]!,
    titleId: `t${title}`,
    gameId: type === GAME_LAUNCH || type === GAME_HEARTBEAT ? `g${other}` : "",
    liveEventId: type === LIVE_JOIN ? `l${other}` : "",
    seconds: v.f64[i * 4 + 1]!,
    query: type === SEARCH ? `title ${title}` : "",
  };
}

/** Decodes a buffer of encoded events. */
export function decodeMemberEvents(bytes: Uint8Array): MemberEvent[] {
  const count = bytes.byteLength / MEMBER_EVENT_BYTES;
  if (!Number.isInteger(count)) throw new RangeError(`[ingest] ${bytes.byteLength} bytes is not a whole number of ${MEMBER_EVENT_BYTES}-byte member events`);
  // Typed views need an aligned offset; copy the rare unaligned slice.
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const v = memberEventViews(aligned.buffer, aligned.byteOffset, count);
  const out = new Array<MemberEvent>(count);
  for (let i = 0; i < count; i++) out[i] = readMemberEvent(v, i);
  return out;
}

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
/** Per type code: `{"topic":"<topic>","type":"<type>","time":`. */
const HEADS = TYPES.map((type, code) => ascii(`{"topic":"${TOPICS[code]!}","type":"${type}","time":`));
const KIND_BYTES = KINDS.map((kind) => ascii(kind));
const ACCOUNT = ascii(`,"accountId":"a`);
const PROFILE = ascii(`","profileId":"p`);
const DEVICE = ascii(`","deviceId":"d`);
const KIND = ascii(`","deviceKind":"`);
const TITLE = ascii(`","titleId":"t`);
const GAME = ascii(`","gameId":"`);
const LIVE = ascii(`","liveEventId":"`);
const SECONDS = ascii(`","seconds":`);
const QUERY = ascii(`,"query":"`);
const QUERY_TITLE = ascii("title ");
const END = ascii(`"}\n`);
/** An upper bound of one JSON line's bytes: the fixed text, and every number at its longest (24 characters). */
const MAX_LINE = Math.max(...HEADS.map((h) => h.length)) + ACCOUNT.length + PROFILE.length + DEVICE.length + KIND.length + TITLE.length +
  GAME.length + LIVE.length + SECONDS.length + QUERY.length + QUERY_TITLE.length + END.length + 6 + Math.max(...KIND_BYTES.map((k) => k.length)) + 11 * 24;
const DASH = 0x2d;
const G = 0x67;
const L = 0x6c;

function put(out: Uint8Array, at: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) out[at + i] = bytes[i]!;
  return at + bytes.length;
}

/** Writes a whole number below 2^32. */
function putUint32(out: Uint8Array, at: number, n: number): number {
  const digits = n < 10 ? 1 : n < 100 ? 2 : n < 1e3 ? 3 : n < 1e4 ? 4 : n < 1e5 ? 5 : n < 1e6 ? 6 : n < 1e7 ? 7 : n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
  let i = at + digits;
  while (n >= 10) {
    const q = (n / 10) >>> 0;
    out[--i] = 0x30 + n - q * 10;
    n = q;
  }
  out[--i] = 0x30 + n;
  return at + digits;
}

/** Writes a number as JSON.stringify does; whole numbers (times in ms too) without making a string. */
function putNumber(out: Uint8Array, at: number, x: number): number {
  if (x >= 0 && x < 4294967296 && x === Math.floor(x)) return putUint32(out, at, x);
  if (!(x >= 0 && Number.isSafeInteger(x))) return put(out, at, ascii(JSON.stringify(x)));
  const high = Math.floor(x / 1e9);
  let low = x - high * 1e9;
  at = putUint32(out, at, high);
  for (let i = at + 8; i >= at; i--) {
    const q = (low / 10) >>> 0;
    out[i] = 0x30 + low - q * 10;
    low = q;
  }
  return at + 9;
}

/**
 * The events of `v` as JSON lines (UTF-8, here all ASCII), each line exactly `JSON.stringify`
 * of the decoded event (same keys in the same order) and a newline, written byte by byte from
 * the numbers without making the objects or strings. `bytes` is a buffer of its own, exactly
 * as long as the lines (it can be transferred); the lines are written first into `scratch`
 * (made or grown when too small; pass the returned one to the next call). Every string of a
 * generated event is ASCII without characters JSON escapes.
 */
export function memberEventsToJsonLines(v: MemberEventViews, count: number, scratch?: Uint8Array): { bytes: Uint8Array; scratch: Uint8Array } {
  const out = scratch !== undefined && scratch.length >= count * MAX_LINE ? scratch : new Uint8Array(count * MAX_LINE);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const w = i * 8;
    const b = i * MEMBER_EVENT_BYTES;
    const type = v.u8[b + 28]!;
    const account = v.u32[w + 4]!;
    const device = v.u8[b + 30]!;
    const title = v.u32[w + 5]!;
    at = putNumber(out, put(out, at, HEADS[type]!), v.f64[i * 4]!);
    at = putNumber(out, put(out, at, ACCOUNT), account);
    at = putNumber(out, put(out, at, PROFILE), account);
    out[at++] = DASH;
    at = putNumber(out, at, v.u8[b + 29]!);
    at = putNumber(out, put(out, at, DEVICE), account);
    out[at++] = DASH;
    at = putNumber(out, at, device);
    at = put(out, put(out, at, KIND), KIND_BYTES[(account + device) % 4]!);
    at = putNumber(out, put(out, at, TITLE), title);
    at = put(out, at, GAME);
    if (type === GAME_LAUNCH || type === GAME_HEARTBEAT) {
      out[at++] = G;
      at = putNumber(out, at, v.u32[w + 6]!);
    }
    at = put(out, at, LIVE);
    if (type === LIVE_JOIN) {
      out[at++] = L;
      at = putNumber(out, at, v.u32[w + 6]!);
    }
    at = putNumber(out, put(out, at, SECONDS), v.f64[i * 4 + 1]!);
    at = put(out, at, QUERY);
    if (type === SEARCH) at = putNumber(out, put(out, at, QUERY_TITLE), title);
    at = put(out, at, END);
  }
  return { bytes: out.slice(0, at), scratch: out };
}
