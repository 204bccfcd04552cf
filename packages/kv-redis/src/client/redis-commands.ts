import type { ScriptClient } from "../scripts/redis-script-runner.js";

/**
 * The client methods the store calls, and nothing else: both ioredis `Redis` and `Cluster`
 * have them, and one narrow type keeps the overloads of the full union out of the way.
 */
export interface RedisCommands extends ScriptClient {
  hget(key: string, field: string): Promise<string | null>;
  hgetBuffer(key: string, field: Buffer): Promise<Buffer | null>;
  hmgetBuffer(key: string, ...fields: Buffer[]): Promise<(Buffer | null)[]>;
  zrangebylexBuffer(key: string, min: string | Buffer, max: string | Buffer, limit: "LIMIT", offset: number, count: number): Promise<Buffer[]>;
  zrevrangebylexBuffer(key: string, max: string | Buffer, min: string | Buffer, limit: "LIMIT", offset: number, count: number): Promise<Buffer[]>;
  scanBuffer(cursor: string, match: "MATCH", pattern: string, count: "COUNT", n: number): Promise<[Buffer, Buffer[]]>;
  ping(): Promise<string>;
}
