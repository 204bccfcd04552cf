import { compareBytes, nowMicros, type KvOperation } from "@rdg/kv";
import type { Client } from "cassandra-driver";
import { toBuffer, ttlSeconds, type TimestampParam } from "./cassandra-codec.js";
import type { CassandraNamespace } from "./cassandra-namespace.js";

/** One prepared statement and its parameters. */
export interface CqlStatement {
  readonly query: string;
  readonly params: unknown[];
}

/** The statements of one partition (namespace and record), sent as one request. */
export interface PartitionWrite {
  readonly ns: CassandraNamespace;
  readonly statements: CqlStatement[];
  /** Keys, values and ids: the part of the request size that grows with the data. */
  bytes: number;
}

/** The native protocol counts a batch's statements in 16 bits. */
const MAX_BATCH_STATEMENTS = 65_535;
/** Fixed part of one statement's size (id, timestamp, TTL, framing), roughly. */
const STATEMENT_OVERHEAD = 32;

interface PlanContext {
  readonly resolve: (ns: string) => CassandraNamespace;
  readonly timestamp: TimestampParam;
  readonly nowMs: number;
}

/**
 * Turns a validated `mutate` batch into one write per partition: the operations of a record
 * become one unlogged batch, which Cassandra applies atomically and isolated for the
 * partition, at the cost of a single request. Every statement carries its write time
 * (`USING TIMESTAMP`), so the order of statements and of partitions does not matter: last
 * write wins resolves on the server. Throws (before anything is sent) on a TTL Cassandra
 * refuses. A partition write larger than `maxBatchBytes` is split in several.
 */
export function planWrites(batch: readonly KvOperation[], context: PlanContext, maxBatchBytes: number): PartitionWrite[] {
  if (batch.length === 1) {
    const op = batch[0]!;
    const write: PartitionWrite = { ns: context.resolve(op.ns), statements: [], bytes: 0 };
    addStatements(write, op, context);
    return write.statements.length === 0 ? [] : split(write, maxBatchBytes);
  }
  // Namespace, then id: no key string to build per operation, and most batches hold one namespace.
  const byNamespace = new Map<string, Map<string, PartitionWrite>>();
  let lastNs: string | undefined;
  let partitions = new Map<string, PartitionWrite>();
  for (const op of batch) {
    if (op.ns !== lastNs) {
      lastNs = op.ns;
      partitions = byNamespace.get(op.ns) ?? new Map<string, PartitionWrite>();
      byNamespace.set(op.ns, partitions);
    }
    let write = partitions.get(op.id);
    if (write === undefined) {
      write = { ns: context.resolve(op.ns), statements: [], bytes: 0 };
      partitions.set(op.id, write);
    }
    addStatements(write, op, context);
  }
  const writes: PartitionWrite[] = [];
  for (const namespace of byNamespace.values()) {
    for (const write of namespace.values()) {
      if (write.statements.length === 0) continue;
      if (write.bytes <= maxBatchBytes && write.statements.length <= MAX_BATCH_STATEMENTS) writes.push(write);
      else writes.push(...split(write, maxBatchBytes));
    }
  }
  return writes;
}

function addStatements(write: PartitionWrite, op: KvOperation, context: PlanContext): void {
  const { cql } = write.ns;
  const id = op.id;
  const time = op.writeTime ?? nowMicros();
  const ts = context.timestamp(time);
  const idBytes = id.length + STATEMENT_OVERHEAD;
  switch (op.op) {
    case "put": {
      const defaultTtl = op.ttlMs ?? write.ns.config.ttlMs;
      const defaultTtlSeconds = defaultTtl === undefined ? 0 : ttlSeconds(defaultTtl, context.nowMs);
      for (const item of op.items) {
        const ttl = item.ttlMs === undefined ? defaultTtlSeconds : ttlSeconds(item.ttlMs, context.nowMs);
        const itemTs = item.writeTime === undefined ? ts : context.timestamp(item.writeTime);
        write.statements.push({ query: cql.insert, params: [id, toBuffer(item.key), toBuffer(item.value), itemTs, ttl] });
        write.bytes += item.key.length + item.value.length + idBytes;
      }
      return;
    }
    case "deleteRecord":
      write.statements.push({ query: cql.deleteRecord, params: [ts, id] });
      write.bytes += idBytes;
      return;
    case "deleteItems": {
      if (op.keys !== undefined) {
        if (op.keys.length === 0) return;
        const single = op.keys.length === 1;
        const keys = single ? toBuffer(op.keys[0]!) : op.keys.map(toBuffer);
        write.statements.push({ query: single ? cql.deleteKey : cql.deleteKeys, params: [ts, id, keys] });
        for (const k of op.keys) write.bytes += k.length;
        write.bytes += idBytes;
        return;
      }
      const start = op.range?.start;
      const end = op.range?.end;
      if (start === undefined && end === undefined) {
        // The whole record: a partition tombstone is cheaper to store and read than a range.
        write.statements.push({ query: cql.deleteRecord, params: [ts, id] });
      } else if (end === undefined) {
        write.statements.push({ query: cql.deleteFrom, params: [ts, id, toBuffer(start!)] });
      } else if (start === undefined) {
        write.statements.push({ query: cql.deleteBelow, params: [ts, id, toBuffer(end)] });
      } else if (compareBytes(start, end) < 0) {
        write.statements.push({ query: cql.deleteBetween, params: [ts, id, toBuffer(start), toBuffer(end)] });
      }
      write.bytes += (start?.length ?? 0) + (end?.length ?? 0) + idBytes;
      return;
    }
  }
}

function split(write: PartitionWrite, maxBatchBytes: number): PartitionWrite[] {
  if (write.bytes <= maxBatchBytes && write.statements.length <= MAX_BATCH_STATEMENTS) return [write];
  const parts: PartitionWrite[] = [];
  let part: PartitionWrite = { ns: write.ns, statements: [], bytes: 0 };
  for (const statement of write.statements) {
    const size = statementBytes(statement);
    if (part.statements.length > 0 && (part.bytes + size > maxBatchBytes || part.statements.length >= MAX_BATCH_STATEMENTS)) {
      parts.push(part);
      part = { ns: write.ns, statements: [], bytes: 0 };
    }
    part.statements.push(statement);
    part.bytes += size;
  }
  parts.push(part);
  return parts;
}

function statementBytes(statement: CqlStatement): number {
  let n = STATEMENT_OVERHEAD;
  for (const p of statement.params) {
    if (p instanceof Uint8Array || typeof p === "string") n += p.length;
    else if (Array.isArray(p)) for (const k of p as Uint8Array[]) n += k.length;
  }
  return n;
}

/** Sends one partition write: a single statement as is, several as one unlogged batch. */
function send(client: Client, write: PartitionWrite): Promise<unknown> {
  if (write.statements.length === 1) {
    const s = write.statements[0]!;
    return client.execute(s.query, s.params, write.ns.writeOptions);
  }
  return client.batch(write.statements, write.ns.batchOptions);
}

/**
 * Sends partition writes with at most `concurrency` in flight. Resolves when every one was
 * acknowledged; after the first failure no further write starts, the ones in flight are
 * awaited, and the first error is thrown (so nothing is reported stored that was not).
 */
export async function sendWrites(client: Client, writes: readonly PartitionWrite[], concurrency: number): Promise<void> {
  if (writes.length === 1) {
    await send(client, writes[0]!);
    return;
  }
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < writes.length) {
      const write = writes[next++]!;
      try {
        await send(client, write);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = Math.min(concurrency, writes.length); i > 0; i--) workers.push(worker());
  await Promise.all(workers);
  if (failure !== undefined) throw failure.error;
}
