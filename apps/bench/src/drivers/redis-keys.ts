import { Redis } from "ioredis";

/** Deletes every key matching `pattern` on one Redis node (bench data only), untimed. */
export async function dropKeys(client: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 10_000);
    cursor = next;
    if (keys.length > 0) await client.unlink(...keys);
  } while (cursor !== "0");
}

/** `dropKeys` over a connection of its own to the Redis at `url`, so a run's keys do not pile up. */
export async function dropKeysAt(url: string, pattern: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true });
  try {
    await client.connect();
    await dropKeys(client, pattern);
  } finally {
    client.disconnect();
  }
}
