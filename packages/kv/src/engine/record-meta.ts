/*
 * Per-record metadata, stored beside the items only when a record needs it: the time of the
 * last whole-record delete, range tombstones, and the live item count of counted namespaces.
 * Binary: flags(1) count(u32) [deletedAt(i64)] [n(u16) (startLen(u16) start endLen(u16) end time(i64))*]
 * where a length of 0xffff means an open bound.
 */
export interface RangeTombstone {
  readonly start: Uint8Array | undefined;
  readonly end: Uint8Array | undefined;
  readonly time: bigint;
}

export interface RecordMeta {
  deletedAt: bigint | undefined;
  ranges: RangeTombstone[];
  count: number;
}

const HAS_DELETED = 1;
const OPEN = 0xffff;

export function emptyMeta(): RecordMeta {
  return { deletedAt: undefined, ranges: [], count: 0 };
}

export function encodeMeta(meta: RecordMeta): Uint8Array {
  let size = 5 + (meta.deletedAt === undefined ? 0 : 8) + 2;
  for (const r of meta.ranges) size += 4 + (r.start?.length ?? 0) + (r.end?.length ?? 0) + 8;
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt8(meta.deletedAt === undefined ? 0 : HAS_DELETED, 0);
  at = out.writeUInt32BE(Math.max(0, meta.count), at);
  if (meta.deletedAt !== undefined) at = out.writeBigInt64BE(meta.deletedAt, at);
  at = out.writeUInt16BE(meta.ranges.length, at);
  for (const r of meta.ranges) {
    for (const bound of [r.start, r.end]) {
      at = out.writeUInt16BE(bound === undefined ? OPEN : bound.length, at);
      if (bound !== undefined) {
        out.set(bound, at);
        at += bound.length;
      }
    }
    at = out.writeBigInt64BE(r.time, at);
  }
  return out;
}

export function decodeMeta(bytes: Uint8Array): RecordMeta {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = buf.readUInt8(0);
  const count = buf.readUInt32BE(1);
  let at = 5;
  let deletedAt: bigint | undefined;
  if ((flags & HAS_DELETED) !== 0) {
    deletedAt = buf.readBigInt64BE(at);
    at += 8;
  }
  const n = buf.readUInt16BE(at);
  at += 2;
  const ranges: RangeTombstone[] = [];
  for (let i = 0; i < n; i++) {
    const bounds: (Uint8Array | undefined)[] = [];
    for (let j = 0; j < 2; j++) {
      const len = buf.readUInt16BE(at);
      at += 2;
      if (len === OPEN) bounds.push(undefined);
      else {
        bounds.push(new Uint8Array(buf.subarray(at, at + len)));
        at += len;
      }
    }
    ranges.push({ start: bounds[0], end: bounds[1], time: buf.readBigInt64BE(at) });
    at += 8;
  }
  return { deletedAt, ranges, count };
}

export function isEmptyMeta(meta: RecordMeta): boolean {
  return meta.deletedAt === undefined && meta.ranges.length === 0 && meta.count === 0;
}
