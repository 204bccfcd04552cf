import { Cluster, Redis } from "ioredis";
import type { RedisKvStoreOptions } from "../src/index.js";

/** The servers services/redis.sh starts. */
export const SINGLE_URL = "redis://127.0.0.1:16379";
export const CLUSTER_NODES: readonly string[] = ["127.0.0.1:17001", "127.0.0.1:17002", "127.0.0.1:17003"];
const HOW = "run services/redis.sh start --all (from the repository root)";

/** Store options of each backend the tests run against. */
export const BACKENDS: Readonly<Record<"single" | "cluster", { options: RedisKvStoreOptions; require: () => Promise<void> }>> = {
  single: { options: { url: SINGLE_URL }, require: requireSingle },
  cluster: { options: { clusterNodes: CLUSTER_NODES }, require: requireCluster },
};

/** Fails with how to start it when the single node does not answer. */
export async function requireSingle(): Promise<void> {
  const client = new Redis(SINGLE_URL, { retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 3000, lazyConnect: true });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(`[kv-redis tests] Redis single node at ${SINGLE_URL} is not answering (${(error as Error).message}); ${HOW}`);
  } finally {
    client.disconnect();
  }
}

/** Fails with how to start it when the cluster does not answer or is not ok. */
export async function requireCluster(): Promise<void> {
  const client = new Cluster([...CLUSTER_NODES], { clusterRetryStrategy: () => null, lazyConnect: true, redisOptions: { connectTimeout: 3000, maxRetriesPerRequest: 0 } });
  try {
    await client.connect();
    const info = await client.cluster("INFO");
    if (!String(info).includes("cluster_state:ok")) throw new Error("cluster_state is not ok");
  } catch (error) {
    throw new Error(`[kv-redis tests] Redis Cluster at ${CLUSTER_NODES.join(", ")} is not answering (${(error as Error).message}); ${HOW}`);
  } finally {
    client.disconnect();
  }
}
