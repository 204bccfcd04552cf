import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Version of an installed package, read from its package.json next to its entry point. */
function version(pkg: string): string {
  try {
    let dir = dirname(fileURLToPath(import.meta.resolve(pkg)));
    for (let i = 0; i < 5; i++, dir = dirname(dir)) {
      try {
        const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
        if (json.name === pkg) return json.version ?? "unknown";
      } catch {
        // keep walking up
      }
    }
  } catch {
    // not installed
  }
  return "unknown";
}

/** Version in the name of a jar the services' scripts resolved (`.services/<svc>/lib/<prefix>-<version>.jar`). */
function jarVersion(service: string, prefix: string): string {
  try {
    const dir = join(process.env.RDG_SERVICES_DIR ?? ".services", service, "lib");
    const jar = readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith(".jar"));
    return jar === undefined ? "not installed" : jar.slice(prefix.length, -4);
  } catch {
    return "not installed";
  }
}

/** Version of the redis-server binary on PATH (the services' Redis is Debian's). */
function redisServerVersion(): string {
  const r = spawnSync("redis-server", ["--version"], { encoding: "utf8", timeout: 2000 });
  return /v=(\S+)/.exec(r.stdout ?? "")?.[1] ?? "not installed";
}

/** What the run ran on: cores, memory, Node, store versions, load at the start. */
export function describeMachine(): Record<string, unknown> {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? model;
  } catch {
    // not Linux
  }
  return {
    cores: cpus().length,
    cpu: model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    lmdb: version("lmdb"),
    msgpackr: version("msgpackr"),
    stores: {
      lmdb: version("lmdb"),
      ioredis: version("ioredis"),
      redisServer: redisServerVersion(),
      cassandraDriver: version("cassandra-driver"),
      cassandra: jarVersion("cassandra", "cassandra-all-"),
      kafkaClient: version("@platformatic/kafka"),
      kafka: jarVersion("kafka", "kafka-clients-"),
    },
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  };
}
