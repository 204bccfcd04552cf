import { randomBytes } from "node:crypto";
import type { Mutation } from "@rdg/model";
import pg from "pg";
import { PeerError, PeerUnavailableError, type MutationBatch, type Peer, type PeerHop, type PeerNeighbor } from "./peer.js";
import { service } from "./peer-files.js";
import { COALESCE_WINDOW_MS } from "./peer-workload.js";

/** Options of `PostgresPeer`. */
export interface PostgresPeerOptions {
  /** @default "postgres://postgres@127.0.0.1:15432/rdg_bench" (services/postgres.sh) */
  readonly url?: string;
  /** Start the project's cluster with services/postgres.sh when `url` is the default. @default true */
  readonly start?: boolean;
  /** Rows (after keeping the newest per key) per upsert transaction; a transaction also ends once its rows span `COALESCE_WINDOW_MS` of event time. @default 10000 */
  readonly rowsPerTransaction?: number;
  /** `synchronous_commit` for the load: true waits for the WAL flush at each commit, as LMDB's sync does. @default true */
  readonly sync?: boolean;
}

const DEFAULT_URL = "postgres://postgres@127.0.0.1:15432/rdg_bench";

/** Key column and other-end column of an edge read from one end. */
const ENDS = { out: { key: "from_id", other: "to_id" }, in: { key: "to_id", other: "from_id" } } as const;

/**
 * PostgreSQL as a graph: a node table and an edge table (type, from, to, time, props jsonb)
 * with the indexes a careful engineer adds for "newest edges of a node" in either direction,
 * loaded by batched upserts (multi-row `INSERT ... SELECT unnest(...) ON CONFLICT DO UPDATE`,
 * last write wins by time), one transaction per batch, the next batch built while the
 * previous one commits.
 */
export class PostgresPeer implements Peer {
  name = "PostgreSQL";
  readonly about = {
    load: "its server, in its own process, upserts each batch: a heap row and three index entries (primary key, out, in) per edge",
    read: "its server walks the (type, to_id, time DESC) or (type, from_id, time DESC) index for 50 entries and returns ids and times",
  } as const;
  readonly #o: Required<PostgresPeerOptions>;
  readonly #schema = `rdg_peer_${randomBytes(4).toString("hex")}`;
  #client: pg.Client | undefined;

  constructor(options: PostgresPeerOptions = {}) {
    this.#o = Object.freeze({ url: DEFAULT_URL, start: true, rowsPerTransaction: 10_000, sync: true, ...options });
  }

  async setup(): Promise<void> {
    if (this.#o.start && this.#o.url === DEFAULT_URL) {
      try {
        await service("postgres.sh", ["start"], 300_000);
      } catch (error) {
        throw new PeerUnavailableError("postgres", `could not start the project's PostgreSQL cluster (services/postgres.sh start needs Debian's postgresql package: apt-get install -y postgresql): ${error instanceof Error ? error.message : String(error)}`, error);
      }
    }
    const client = new pg.Client({ connectionString: this.#o.url });
    try {
      await client.connect();
    } catch (error) {
      throw new PeerUnavailableError("postgres", `no PostgreSQL answers at ${this.#o.url}; run services/postgres.sh start (${error instanceof Error ? error.message : String(error)})`, error);
    }
    this.#client = client;
    const version = (await client.query<{ server_version: string }>("SHOW server_version")).rows[0]?.server_version ?? "?";
    this.name = `PostgreSQL ${version.split(" ")[0]}`;
    const s = this.#schema;
    await client.query(`
      CREATE SCHEMA ${s};
      SET search_path = ${s};
      SET synchronous_commit = ${this.#o.sync ? "on" : "off"};
      CREATE TABLE nodes (type text NOT NULL, id text NOT NULL, time bigint NOT NULL, props jsonb NOT NULL, PRIMARY KEY (type, id));
      CREATE TABLE edges (type text NOT NULL, from_id text NOT NULL, to_id text NOT NULL, time bigint NOT NULL, props jsonb NOT NULL, PRIMARY KEY (type, from_id, to_id));
      CREATE INDEX edges_out ON edges (type, from_id, time DESC) INCLUDE (to_id);
      CREATE INDEX edges_in ON edges (type, to_id, time DESC) INCLUDE (from_id);
    `);
  }

  get #c(): pg.Client {
    if (this.#client === undefined) throw new PeerError("postgres", "not set up; call setup() first");
    return this.#client;
  }

  async load(batches: AsyncIterable<MutationBatch> | Iterable<MutationBatch>): Promise<void> {
    const nodes = new Map<string, Mutation & { op: "upsertNode" }>();
    const edges = new Map<string, Mutation & { op: "upsertEdge" }>();
    let inFlight: Promise<void> = Promise.resolve();
    let firstTime = Infinity;
    const flush = async (): Promise<void> => {
      firstTime = Infinity;
      const n = [...nodes.values()];
      const e = [...edges.values()];
      nodes.clear();
      edges.clear();
      await inFlight;
      inFlight = this.#upsert(n, e);
      // Keep the rejection observed until it is awaited.
      inFlight.catch(() => undefined);
    };
    for await (const batch of batches) {
      for (const m of batch.mutations) {
        if (m.time < firstTime) firstTime = m.time;
        // ON CONFLICT DO UPDATE may touch a row once per statement: keep the newest per key.
        if (m.op === "upsertNode") {
          const k = `${m.type}\t${m.id}`;
          const old = nodes.get(k);
          if (old === undefined || old.time <= m.time) nodes.set(k, m);
        } else if (m.op === "upsertEdge") {
          const k = `${m.type}\t${m.from}\t${m.to}`;
          const old = edges.get(k);
          if (old === undefined || old.time <= m.time) edges.set(k, m);
        } else {
          throw new PeerError("postgres", `${m.op} is not modelled by this peer (the member-journey mapper emits upserts only)`);
        }
      }
      const newest = batch.mutations[batch.mutations.length - 1]?.time ?? firstTime;
      if (nodes.size + edges.size >= this.#o.rowsPerTransaction || newest - firstTime >= COALESCE_WINDOW_MS) await flush();
    }
    await flush();
    await inFlight;
    await this.#c.query("ANALYZE nodes; ANALYZE edges");
  }

  async #upsert(nodes: readonly (Mutation & { op: "upsertNode" })[], edges: readonly (Mutation & { op: "upsertEdge" })[]): Promise<void> {
    const c = this.#c;
    await c.query("BEGIN");
    try {
      if (nodes.length > 0) {
        await c.query({
          name: "upsert-nodes",
          text: `INSERT INTO nodes AS n (type, id, time, props) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::jsonb[])
                 ON CONFLICT (type, id) DO UPDATE SET time = excluded.time, props = excluded.props WHERE n.time <= excluded.time`,
          values: [nodes.map((m) => m.type), nodes.map((m) => m.id), nodes.map((m) => m.time), nodes.map((m) => JSON.stringify(m.props ?? {}))],
        });
      }
      if (edges.length > 0) {
        await c.query({
          name: "upsert-edges",
          text: `INSERT INTO edges AS e (type, from_id, to_id, time, props) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::jsonb[])
                 ON CONFLICT (type, from_id, to_id) DO UPDATE SET time = excluded.time, props = excluded.props WHERE e.time <= excluded.time`,
          values: [edges.map((m) => m.type), edges.map((m) => m.from), edges.map((m) => m.to), edges.map((m) => m.time), edges.map((m) => JSON.stringify(m.props ?? {}))],
        });
      }
      await c.query("COMMIT");
    } catch (error) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw new PeerError("postgres", `an upsert batch failed: ${error instanceof Error ? error.message : String(error)}`, error);
    }
  }

  async neighbors(nodeId: string, hop: PeerHop): Promise<PeerNeighbor[]> {
    const end = ENDS[hop.direction];
    const r = await this.#c.query<{ id: string; time: string }>({
      name: `neighbors-${hop.direction}`,
      text: `SELECT ${end.other} AS id, time FROM edges WHERE type = $1 AND ${end.key} = $2 ORDER BY time DESC LIMIT $3`,
      values: [hop.edge, nodeId, hop.limit],
    });
    return r.rows.map((row) => ({ id: row.id, time: Number(row.time) }));
  }

  async twoHop(start: string, first: PeerHop, second: PeerHop): Promise<PeerNeighbor[]> {
    const a = ENDS[first.direction];
    const b = ENDS[second.direction];
    const r = await this.#c.query<{ via: string; id: string; time: string }>({
      name: `two-hop-${first.direction}-${second.direction}`,
      text: `SELECT f.other AS via, s.other AS id, s.time FROM
               (SELECT ${a.other} AS other, time FROM edges WHERE type = $2 AND ${a.key} = $1 ORDER BY time DESC LIMIT $3) f
               CROSS JOIN LATERAL
               (SELECT ${b.other} AS other, time FROM edges WHERE type = $4 AND ${b.key} = f.other ORDER BY time DESC LIMIT $5) s`,
      values: [start, first.edge, first.limit, second.edge, second.limit],
    });
    return r.rows.map((row) => ({ via: row.via, id: row.id, time: Number(row.time) }));
  }

  async roundTrip(): Promise<void> {
    await this.#c.query({ name: "ping", text: "SELECT 1" });
  }

  async storageBytes(): Promise<number> {
    const r = await this.#c.query<{ bytes: string }>("SELECT pg_total_relation_size('nodes') + pg_total_relation_size('edges') AS bytes");
    return Number(r.rows[0]!.bytes);
  }

  async teardown(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${this.#schema} CASCADE`);
    } finally {
      await client.end();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.teardown();
  }
}
