import { spawnSync } from "node:child_process";
import { connect } from "node:net";

/** A real server a scenario needs, and how to start it. */
export interface ServiceNeed {
  readonly name: string;
  readonly start: string;
  /** Resolves to undefined when the service answers, else the reason it does not. */
  readonly probe: () => Promise<string | undefined>;
}

const hostPort = (value: string): { host: string; port: number } => {
  const [host = "127.0.0.1", port = "0"] = value.replace(/^[a-z]+:\/\//, "").replace(/\/.*$/, "").split(":");
  return { host, port: Number(port) };
};

/** A TCP connect within a second: enough to tell a stopped service from a running one. */
function tcp(address: string): () => Promise<string | undefined> {
  const { host, port } = hostPort(address);
  return () =>
    new Promise((resolve) => {
      const socket = connect({ host, port, timeout: 1000 });
      const done = (reason: string | undefined): void => {
        socket.destroy();
        resolve(reason);
      };
      socket.once("connect", () => done(undefined));
      socket.once("timeout", () => done(`nothing answers on ${host}:${port}`));
      socket.once("error", (e: NodeJS.ErrnoException) => done(`nothing answers on ${host}:${port} (${e.code ?? e.message})`));
    });
}

const onPath = (binary: string) => async (): Promise<string | undefined> =>
  spawnSync("sh", ["-c", `command -v ${binary}`]).status === 0 ? undefined : `${binary} is not on PATH`;

const REDIS: ServiceNeed = { name: "redis", start: "services/redis.sh start", probe: tcp(process.env.RDG_BENCH_REDIS_URL ?? "127.0.0.1:16379") };
const REDIS_CLUSTER: ServiceNeed = { name: "redis cluster", start: "services/redis.sh start --all", probe: tcp((process.env.RDG_BENCH_REDIS_CLUSTER ?? "127.0.0.1:17001").split(",")[0]!) };
const CASSANDRA: ServiceNeed = { name: "cassandra", start: "services/cassandra.sh start", probe: tcp(process.env.RDG_CASSANDRA_CONTACT_POINT ?? "127.0.0.1:19042") };
const KAFKA: ServiceNeed = { name: "kafka", start: "services/kafka.sh start", probe: tcp(process.env.RDG_KAFKA_BROKERS?.split(",")[0] ?? "127.0.0.1:19092") };
const REDIS_BINARY: ServiceNeed = { name: "redis-server binary", start: "services/redis.sh start (installs Debian's redis-server)", probe: onPath("redis-server") };

/** The services each scenario needs; a scenario not listed needs none (it runs embedded). */
const NEEDS: Readonly<Record<string, readonly ServiceNeed[]>> = {
  "kv-redis": [REDIS],
  "graph-writes-redis": [REDIS],
  "kv-redis-cluster": [REDIS, REDIS_CLUSTER],
  "kv-cassandra": [CASSANDRA],
  "graph-writes-cassandra": [CASSANDRA],
  "capacity-cassandra": [CASSANDRA],
  "kafka-produce": [KAFKA],
  "kafka-consume": [KAFKA],
  "kafka-e2e-lmdb": [KAFKA],
  "kafka-e2e-redis": [KAFKA, REDIS],
  "kafka-e2e-cassandra": [KAFKA, CASSANDRA],
  "kafka-backpressure": [KAFKA, REDIS_BINARY],
  "mixed-load": [REDIS],
};

/** Why a scenario cannot run now (a service down, with the command that starts it), or undefined. */
export async function missingService(scenario: string): Promise<string | undefined> {
  for (const need of NEEDS[scenario] ?? []) {
    const reason = await need.probe();
    if (reason !== undefined) return `${need.name}: ${reason}; start it with ${need.start}`;
  }
  return undefined;
}
