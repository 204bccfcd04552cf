import { createHash } from "node:crypto";
import { ReplyError } from "ioredis";

type Arg = string | Buffer | number;

/**
 * The client methods the scripts use. (Not `call`/`callBuffer`: ioredis' auto-pipelining
 * drops the command name of `callBuffer`.)
 */
export interface ScriptClient {
  evalsha(sha: string, numkeys: number, ...args: Arg[]): Promise<unknown>;
  eval(lua: string, numkeys: number, ...args: Arg[]): Promise<unknown>;
}

const isNoScript = (error: unknown): boolean => error instanceof ReplyError && (error as Error).message.startsWith("NOSCRIPT");

/**
 * A Lua script run by its SHA1, loaded on a node by `EVAL` the first time that node answers
 * NOSCRIPT (after a restart or on a node not seen before). This is what ioredis'
 * `defineCommand` does, without adding commands to a client the store does not own.
 */
export class RedisScript {
  readonly lua: string;
  readonly sha: string;

  constructor(lua: string) {
    this.lua = lua;
    this.sha = createHash("sha1").update(lua).digest("hex");
  }

  /** Runs with these keys and arguments, string replies. */
  run(client: ScriptClient, keys: readonly string[], args: readonly Arg[]): Promise<unknown> {
    return client.evalsha(this.sha, keys.length, ...keys, ...args).catch((error: unknown) => {
      if (isNoScript(error)) return client.eval(this.lua, keys.length, ...keys, ...args);
      throw error;
    });
  }
}
