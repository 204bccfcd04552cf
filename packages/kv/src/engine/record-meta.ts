/*
 * Per-record metadata, stored beside the items only when a record needs it: the time of the
 * last whole-record delete, range tombstones, and the live item count of counted namespaces.
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

export function emptyMeta(): RecordMeta {
  return { deletedAt: undefined, ranges: [], count: 0 };
}

const hex = (b: Uint8Array | undefined): string => (b === undefined ? "" : Buffer.from(b).toString("hex"));
const unhex = (s: string): Uint8Array | undefined => (s === "" ? undefined : new Uint8Array(Buffer.from(s, "hex")));

export function encodeMeta(meta: RecordMeta): Uint8Array {
  const json = {
    d: meta.deletedAt?.toString(),
    r: meta.ranges.length > 0 ? meta.ranges.map((r) => [hex(r.start), hex(r.end), r.time.toString()]) : undefined,
    c: meta.count,
  };
  return new Uint8Array(Buffer.from(JSON.stringify(json)));
}

export function decodeMeta(bytes: Uint8Array): RecordMeta {
  const json = JSON.parse(Buffer.from(bytes).toString("utf8")) as { d?: string; r?: [string, string, string][]; c?: number };
  return {
    deletedAt: json.d === undefined ? undefined : BigInt(json.d),
    ranges: (json.r ?? []).map(([s, e, t]) => ({ start: unhex(s), end: unhex(e), time: BigInt(t) })),
    count: json.c ?? 0,
  };
}

export function isEmptyMeta(meta: RecordMeta): boolean {
  return meta.deletedAt === undefined && meta.ranges.length === 0 && meta.count === 0;
}
