import { execFileSync } from "node:child_process";
import { connect } from "node:net";
import { join } from "node:path";
import { Client } from "cassandra-driver";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";

// The real servers the README's test command starts (scripts/test.sh), each checked with a
// round trip of its own protocol, and the scripts' idempotence.
const services = join(import.meta.dirname, "..");
const hint = (script: string) => `is it running? start it with services/${script}`;

/** Kafka ApiVersions (key 18, v0) over a plain socket: the broker's own protocol, no client library. */
function kafkaApiVersions(port: number): Promise<{ errorCode: number; apiKeys: number[] }> {
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from("rdg-test");
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
    let at = body.writeInt16BE(18, 0); // api key
    at = body.writeInt16BE(0, at); // api version
    at = body.writeInt32BE(7, at); // correlation id
    at = body.writeInt16BE(clientId.length, at);
    clientId.copy(body, at);
    const frame = Buffer.concat([Buffer.alloc(4), body]);
    frame.writeInt32BE(body.length, 0);
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write(frame));
    let data = Buffer.alloc(0);
    socket.setTimeout(10_000, () => socket.destroy(new Error("timeout")));
    socket.on("error", (e) => reject(new Error(`Kafka on ${port}: ${e.message}; ${hint("kafka.sh start")}`)));
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < 4 || data.length < 4 + data.readInt32BE(0)) return;
      socket.end();
      if (data.readInt32BE(4) !== 7) return reject(new Error("correlation id mismatch"));
      const errorCode = data.readInt16BE(8);
      const count = data.readInt32BE(10);
      const apiKeys = Array.from({ length: count }, (_, i) => data.readInt16BE(14 + i * 6));
      resolve({ errorCode, apiKeys });
    });
  });
}

describe("real services (services/*.sh)", () => {
  it("Redis answers on 16379 and the three-master cluster on 17001-17003 is ok", async () => {
    const single = new Redis({ port: 16379, lazyConnect: true, maxRetriesPerRequest: 1 });
    const cluster = new Redis({ port: 17001, lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await single.connect().catch((e: Error) => { throw new Error(`${e.message}; ${hint("redis.sh start --all")}`); });
      expect(await single.ping()).toBe("PONG");
      await cluster.connect();
      expect(await cluster.call("CLUSTER", "INFO")).toMatch(/cluster_state:ok[\s\S]*cluster_known_nodes:3/);
      expect(await single.info("server")).toMatch(/redis_version:7\./);
    } finally {
      single.disconnect();
      cluster.disconnect();
    }
  });

  it("Cassandra 5.0 answers CQL on 19042", async () => {
    const client = new Client({ contactPoints: ["127.0.0.1:19042"], localDataCenter: "datacenter1" });
    try {
      await client.connect().catch((e: Error) => { throw new Error(`${e.message}; ${hint("cassandra.sh start")}`); });
      const rs = await client.execute("SELECT release_version FROM system.local");
      expect(String(rs.first()?.["release_version"])).toMatch(/^5\.0\./);
    } finally {
      await client.shutdown();
    }
  });

  it("Kafka 4 (KRaft) answers ApiVersions on 19092", async () => {
    const { errorCode, apiKeys } = await kafkaApiVersions(19092);
    expect(errorCode).toBe(0);
    expect(apiKeys).toEqual(expect.arrayContaining([0, 1, 3, 18])); // Produce, Fetch, Metadata, ApiVersions
  });

  it("start is idempotent: a second start finds the server running and leaves it", () => {
    for (const [script, args] of [["redis.sh", ["start", "--all"]], ["cassandra.sh", ["start"]], ["kafka.sh", ["start"]]] as const) {
      const out = execFileSync(join(services, script), [...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
      expect(out, script).toMatch(/already running/);
      execFileSync(join(services, script), script === "redis.sh" ? ["status", "--all"] : ["status"], { stdio: "ignore" });
    }
  });
});
