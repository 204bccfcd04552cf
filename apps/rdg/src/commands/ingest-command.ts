import { FileDeadLetterSink, FileSource, IngestJob, mapMemberEvent, type MemberEvent, type UnparsableLine } from "@rdg/ingest";
import { openEmbeddedGraph } from "../open-graph.js";
import { ProgressLine, describeMetrics } from "../progress.js";
import { runGeneratorJob } from "./run-generator-job.js";

/** Options of `rdg ingest`. */
export interface IngestOptions {
  readonly source: string;
  readonly file?: string;
  readonly events?: number;
  readonly duration?: number;
  readonly path: string;
  readonly deadLetters: string;
}

/** `rdg ingest`: one job from the generator or a JSON-lines file into the embedded graph. */
export async function ingestCommand(o: IngestOptions): Promise<void> {
  if (o.source !== "generator" && o.source !== "file") throw new Error(`--source must be generator or file, got "${o.source}" (kafka comes with the services)`);
  if (o.source === "file" && o.file === undefined) throw new Error("--source file needs --file <path>");
  if (o.source === "generator" && o.events === undefined && o.duration === undefined) throw new Error("--source generator needs --events <n> or --duration <seconds>");
  const { kv, graph } = openEmbeddedGraph(o.path);
  try {
    if (o.source === "generator") {
      await runGeneratorJob(graph, { events: o.events, durationMs: o.duration === undefined ? undefined : o.duration * 1000 });
      return;
    }
    const progress = new ProgressLine();
    const started = performance.now();
    const map = (e: MemberEvent | UnparsableLine): ReturnType<typeof mapMemberEvent> => {
      if ("unparsable" in e) throw new Error(`line ${e.line} is not JSON`);
      return mapMemberEvent(e);
    };
    const job = new IngestJob<MemberEvent | UnparsableLine>({
      name: "file",
      source: new FileSource({ path: o.file!, checkpointPath: `${o.file}.offset` }),
      map,
      graph,
      deadLetters: new FileDeadLetterSink(o.deadLetters),
      eventTime: (e) => ("time" in e ? e.time : 0),
      onProgress: (m) => progress.update(describeMetrics(m, (performance.now() - started) / 1000)),
    });
    const m = await job.run();
    progress.done(`ingested: ${describeMetrics(m, (performance.now() - started) / 1000)}${m.deadLetters > 0 ? `; dead letters in ${o.deadLetters}` : ""}`);
  } finally {
    await kv.close();
  }
}
