import { nowMicros, type KvOperation } from "@rdg/kv";
import { entrySize, writeEntry } from "./entry-codec.js";

/*
 * The operations of one record in one mutate, packed into one argument of the write script
 * (one binary argument costs the client far less than many small ones, and Lua reads it with
 * struct.unpack). The call's own header argument holds what all its records share.
 *
 *   call header: now f64 (ms), key-expiry grace f64 (ms, 0 = off)
 *   record: flags u8 (1 = counted namespace), then per operation, in call order:
 *     1 put item     u16 keyLen, u32 entryLen, key, entry (entry-codec.ts)
 *     2 delete key   u16 keyLen, key, i64 time
 *     3 delete range u16 startLen, u16 endLen, start, end, i64 time (0xffff = open bound)
 *     4 delete record i64 time
 */
export const OP_PUT = 1;
export const OP_DELETE_KEY = 2;
export const OP_DELETE_RANGE = 3;
export const OP_DELETE_RECORD = 4;
const HEADER = 1;
const OPEN = 0xffff;
const COUNTED = 1;

/** What the encoder needs of the record's namespace. */
export interface NamespaceWrite {
  /** The namespace's default TTL. */
  readonly ttlMs: number | undefined;
  readonly counted: boolean;
}

function operationSize(op: KvOperation, ttlMs: number | undefined): number {
  switch (op.op) {
    case "put": {
      let size = 0;
      const callTtl = op.ttlMs ?? ttlMs;
      for (const item of op.items) size += 7 + item.key.length + entrySize(item.ttlMs ?? callTtl, item.value);
      return size;
    }
    case "deleteItems":
      if (op.keys !== undefined) {
        let size = 0;
        for (const key of op.keys) size += 11 + key.length;
        return size;
      }
      return 13 + (op.range?.start?.length ?? 0) + (op.range?.end?.length ?? 0);
    case "deleteRecord":
      return 9;
  }
}

function writeOperation(out: Buffer, at: number, op: KvOperation, ns: NamespaceWrite, now: number): number {
  // One time per operation when it sets none, as the shared engine does.
  const time = op.writeTime ?? nowMicros();
  switch (op.op) {
    case "put": {
      const callTtl = op.ttlMs ?? ns.ttlMs;
      for (const item of op.items) {
        const ttl = item.ttlMs ?? callTtl;
        const expiresAt = ttl === undefined ? undefined : now + ttl;
        out[at] = OP_PUT;
        out.writeUInt16BE(item.key.length, at + 1);
        out.writeUInt32BE(entrySize(expiresAt, item.value), at + 3);
        out.set(item.key, at + 7);
        at = writeEntry(out, at + 7 + item.key.length, item.writeTime ?? time, expiresAt, item.value);
      }
      return at;
    }
    case "deleteItems":
      if (op.keys !== undefined) {
        for (const key of op.keys) {
          out[at] = OP_DELETE_KEY;
          out.writeUInt16BE(key.length, at + 1);
          out.set(key, at + 3);
          at = out.writeBigInt64BE(time, at + 3 + key.length);
        }
        return at;
      } else {
        const start = op.range?.start;
        const end = op.range?.end;
        out[at] = OP_DELETE_RANGE;
        out.writeUInt16BE(start === undefined ? OPEN : start.length, at + 1);
        out.writeUInt16BE(end === undefined ? OPEN : end.length, at + 3);
        at += 5;
        if (start !== undefined) {
          out.set(start, at);
          at += start.length;
        }
        if (end !== undefined) {
          out.set(end, at);
          at += end.length;
        }
        return out.writeBigInt64BE(time, at);
      }
    case "deleteRecord":
      out[at] = OP_DELETE_RECORD;
      return out.writeBigInt64BE(time, at + 1);
  }
}

/**
 * Packs validated operations of one record into one write script argument; `now` (ms) is the
 * time expiries count from.
 */
export function encodeRecordWrite(ops: readonly KvOperation[], ns: NamespaceWrite, now: number): Buffer {
  let size = HEADER;
  for (const op of ops) size += operationSize(op, ns.ttlMs);
  const out = Buffer.allocUnsafe(size);
  out[0] = ns.counted ? COUNTED : 0;
  let at = HEADER;
  for (const op of ops) at = writeOperation(out, at, op, ns, now);
  return out;
}

/** The first argument of a write script call: what all its records share. */
export function encodeWriteHeader(now: number, graceMs: number): Buffer {
  const out = Buffer.allocUnsafe(16);
  out.writeDoubleBE(now, 0);
  out.writeDoubleBE(graceMs, 8);
  return out;
}
