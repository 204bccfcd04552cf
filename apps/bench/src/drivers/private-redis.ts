import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { Redis } from "ioredis";

/**
 * A redis-server of the bench's own (Debian's binary, which services/redis.sh installs), on a
 * port no test or service uses, keeping nothing on disk: a store the bench may stall
 * (SIGSTOP: connections stay open, nothing answers) and resume without touching the services'
 * Redis that other work shares.
 */
export class PrivateRedis {
  readonly url: string;
  readonly #child: ChildProcess;

  private constructor(readonly port: number, child: ChildProcess) {
    this.url = `redis://127.0.0.1:${port}`;
    this.#child = child;
  }

  static async start(port: number): Promise<PrivateRedis> {
    if (spawnSync("redis-server", ["--version"]).status !== 0) throw new Error("redis-server is not on PATH; run services/redis.sh start (it installs Debian's redis-server)");
    const child = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no", "--protected-mode", "no"], { stdio: "ignore" });
    const redis = new PrivateRedis(port, child);
    const client = new Redis(redis.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on("error", () => undefined); // refused until the server listens: the loop retries
    const until = Date.now() + 10_000;
    try {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited (${child.exitCode}); is the port taken?`);
        try {
          await client.connect();
          await client.ping();
          return redis;
        } catch {
          if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer PING within 10 s`);
          client.disconnect();
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    } finally {
      client.disconnect();
    }
  }

  /** Stops the server's process: it keeps its connections and answers nothing. */
  pause(): void {
    this.#child.kill("SIGSTOP");
  }

  resume(): void {
    this.#child.kill("SIGCONT");
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.kill("SIGCONT");
    this.#child.kill("SIGKILL");
    await once(this.#child, "exit");
  }
}
