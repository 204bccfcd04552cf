import { execFile, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { memberJourneySchema, type Mutation, type Schema } from "@rdg/model";
import { PeerError, PeerUnavailableError, type MutationBatch, type PeerHop, type PeerNeighbor } from "./peer.js";
import { REPO_ROOT } from "./peer-files.js";
import { COALESCE_WINDOW_MS } from "./peer-workload.js";

const run = promisify(execFile);

/** How to build and start one of the peers' Java programs under bench/peers/. */
export interface JavaProgram {
  /** Short name for messages, e.g. `neo4j`. */
  readonly peer: string;
  /** The Maven project's folder under bench/peers/. */
  readonly project: string;
  readonly mainClass: string;
  readonly jvmArgs: readonly string[];
  readonly args: readonly string[];
}

/** Folder of a Maven project under bench/peers/. */
export const peerProject = (name: string): string => join(REPO_ROOT, "bench", "peers", name);

/**
 * Runs `mvn -B -q compile` in the program's project unless its classes are newer than its
 * sources and pom (Maven resolves the peer's jars from Maven Central on the first build).
 */
export async function buildJavaProgram(p: JavaProgram): Promise<void> {
  const dir = peerProject(p.project);
  const classFile = join(dir, "target", "classes", ...p.mainClass.split(".")) + ".class";
  const source = join(dir, "src", "main", "java", ...p.mainClass.split(".")) + ".java";
  const fresh = existsSync(classFile) && existsSync(join(dir, "target", "lib"))
    && statSync(classFile).mtimeMs >= Math.max(statSync(source).mtimeMs, statSync(join(dir, "pom.xml")).mtimeMs);
  if (fresh) return;
  for (const [tool, hint] of [["java", "apt-get install -y openjdk-17-jdk-headless"], ["mvn", "apt-get install -y maven"]] as const) {
    try {
      await run(tool, ["-version"], { timeout: 60_000 });
    } catch (error) {
      throw new PeerUnavailableError(p.peer, `${tool} is not on PATH (needed to build and run bench/peers/${p.project}); install it: ${hint}`, error);
    }
  }
  try {
    await run("mvn", ["-B", "-q", "compile"], { cwd: dir, timeout: 900_000, maxBuffer: 64 << 20 });
  } catch (error) {
    const out = (error as { stdout?: string }).stdout ?? "";
    const missing = /Could not resolve dependencies[^\n]*|could not be resolved[^\n]*/.exec(out)?.[0];
    throw new PeerUnavailableError(p.peer, `mvn compile in bench/peers/${p.project} failed${missing === undefined ? "" : `: ${missing.slice(0, 400)}`}; Maven must reach Maven Central once to fetch the peer's jars (run it by hand there to see the whole log)`, error);
  }
}

/**
 * A peer's Java program on the other end of a pipe, speaking the line protocol of
 * bench/peers/README.md: writes are not answered (a failed one is reported at the next `F`),
 * every other command is answered by one line, in order.
 */
export class JavaLineClient {
  readonly #p: JavaProgram;
  readonly #schema: Schema;
  #child: ChildProcessWithoutNullStreams | undefined;
  #waiting: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  #stderr: string[] = [];
  #exited: Error | undefined;
  version = "";

  constructor(program: JavaProgram, schema: Schema = memberJourneySchema) {
    this.#p = program;
    this.#schema = schema;
  }

  /** Builds if needed, starts the JVM and waits for its READY line. */
  async start(timeoutMs = 300_000): Promise<void> {
    await buildJavaProgram(this.#p);
    const dir = peerProject(this.#p.project);
    const child = spawn("java", [...this.#p.jvmArgs, "-cp", `${join(dir, "target", "classes")}:${join(dir, "target", "lib", "*")}`, this.#p.mainClass, ...this.#p.args], { stdio: ["pipe", "pipe", "pipe"] });
    this.#child = child;
    child.stdin.on("error", () => undefined);
    createInterface({ input: child.stderr }).on("line", (l) => {
      this.#stderr.push(l);
      if (this.#stderr.length > 40) this.#stderr.shift();
    });
    createInterface({ input: child.stdout }).on("line", (l) => this.#waiting.shift()?.resolve(l));
    child.on("exit", (code, signal) => {
      this.#exited = new PeerError(this.#p.peer, `the Java program exited (${signal ?? `code ${code}`}); its last output: ${this.#stderr.slice(-8).join(" | ")}`);
      for (const w of this.#waiting.splice(0)) w.reject(this.#exited);
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const ready = await Promise.race([
        this.#reply(),
        new Promise<string>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no READY within ${timeoutMs / 1000} s`)), timeoutMs);
        }),
      ]);
      const [word, version] = ready.split("\t");
      if (word !== "READY") throw new Error(`expected READY, got ${JSON.stringify(ready.slice(0, 200))}`);
      this.version = version ?? "";
    } catch (error) {
      await this.stop();
      throw new PeerUnavailableError(this.#p.peer, `bench/peers/${this.#p.project} did not start: ${error instanceof Error ? error.message : String(error)}`, error);
    } finally {
      clearTimeout(timer);
    }
  }

  #reply(): Promise<string> {
    if (this.#exited !== undefined) return Promise.reject(this.#exited);
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  async #write(text: string): Promise<void> {
    const child = this.#child;
    if (child === undefined || this.#exited !== undefined) throw this.#exited ?? new PeerError(this.#p.peer, "not started");
    if (!child.stdin.write(text)) {
      await new Promise<void>((resolve, reject) => {
        const onExit = () => reject(this.#exited);
        child.once("exit", onExit);
        child.stdin.once("drain", () => {
          child.off("exit", onExit);
          resolve();
        });
      });
    }
  }

  /** Sends a command and returns the fields of its answer after `R` (or `OK`); an `ERR` answer throws. */
  async request(...fields: (string | number)[]): Promise<string[]> {
    const reply = this.#reply();
    await this.#write(`${fields.join("\t")}\n`);
    const parts = (await reply).split("\t");
    if (parts[0] === "ERR") throw new PeerError(this.#p.peer, `${fields[0]} refused: ${parts.slice(1).join(" ")}`);
    return parts.slice(1);
  }

  #line(m: Mutation): string {
    const check = (id: string): string => {
      if (/[\t\n]/.test(id)) throw new PeerError(this.#p.peer, `id ${JSON.stringify(id)} holds a tab or newline, which the line protocol cannot carry`);
      return id;
    };
    if (m.op === "upsertNode") return `N\t${m.type}\t${check(m.id)}\t${m.time}\t${JSON.stringify(m.props ?? {})}\n`;
    if (m.op === "upsertEdge") {
      const def = this.#schema.edge(m.type);
      return `E\t${m.type}\t${def.from}\t${check(m.from)}\t${def.to}\t${check(m.to)}\t${m.time}\t${JSON.stringify(m.props ?? {})}\n`;
    }
    throw new PeerError(this.#p.peer, `${m.op} is not modelled by this peer (the member-journey mapper emits upserts only)`);
  }

  /**
   * Streams every mutation, with `C` (commit now) whenever the rows since the last commit span
   * `COALESCE_WINDOW_MS` of event time, then `F`: resolves when the program has committed them all.
   */
  async load(batches: AsyncIterable<MutationBatch> | Iterable<MutationBatch>): Promise<number> {
    let firstTime = Infinity;
    for await (const b of batches) {
      let text = "";
      for (const m of b.mutations) {
        if (m.time < firstTime) firstTime = m.time;
        text += this.#line(m);
      }
      const newest = b.mutations[b.mutations.length - 1]?.time ?? firstTime;
      if (newest - firstTime >= COALESCE_WINDOW_MS) {
        text += "C\n";
        firstTime = Infinity;
      }
      await this.#write(text);
    }
    return Number((await this.request("F"))[0]);
  }

  /** `Q`: a node's newest neighbours; the node's label comes from the schema. */
  async neighbors(nodeId: string, hop: PeerHop): Promise<PeerNeighbor[]> {
    const def = this.#schema.edge(hop.edge);
    const f = await this.request("Q", hop.direction === "out" ? def.from : def.to, nodeId, hop.edge, hop.direction, hop.limit);
    const out: PeerNeighbor[] = [];
    for (let i = 0; i + 1 < f.length; i += 2) out.push({ id: f[i]!, time: Number(f[i + 1]) });
    return out;
  }

  /** `T`: two hops from `start`. */
  async twoHop(start: string, first: PeerHop, second: PeerHop): Promise<PeerNeighbor[]> {
    const def = this.#schema.edge(first.edge);
    const f = await this.request("T", first.direction === "out" ? def.from : def.to, start, first.edge, first.direction, first.limit, second.edge, second.direction, second.limit);
    const out: PeerNeighbor[] = [];
    for (let i = 0; i + 2 < f.length; i += 3) out.push({ via: f[i]!, id: f[i + 1]!, time: Number(f[i + 2]) });
    return out;
  }

  /** `P`: a round trip that does no graph work. */
  async ping(): Promise<void> {
    await this.request("P");
  }

  /** `S`: the program's own size figure (Neo4j checkpoints first, so its store files are current). */
  async size(): Promise<number> {
    return Number((await this.request("S"))[0]);
  }

  /** Ends the program (`X`, then SIGTERM after 60 s, SIGKILL after 90 s); safe to call twice. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.stdin.end("X\n");
    const term = setTimeout(() => child.kill("SIGTERM"), 60_000);
    const kill = setTimeout(() => child.kill("SIGKILL"), 90_000);
    await exited;
    clearTimeout(term);
    clearTimeout(kill);
  }
}

/** Node labels and edge types of a schema, for the Java programs' schema setup. */
export function schemaNames(schema: Schema): { labels: string; edgeTypes: string } {
  return { labels: [...schema.nodes.keys()].join(","), edgeTypes: [...schema.edges.keys()].join(",") };
}
