import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { once } from "node:events";
import { MemberJourneyGenerator } from "@rdg/ingest";
import { ProgressLine, fmt } from "../progress.js";

/** `rdg generate`: member-journey events as JSON lines, for `rdg ingest --source file` or other tools. */
export async function generateCommand(o: { events: number; out: string; seed: number }): Promise<void> {
  mkdirSync(dirname(o.out), { recursive: true });
  const out = createWriteStream(o.out);
  const generator = new MemberJourneyGenerator({ seed: o.seed });
  const progress = new ProgressLine();
  for (let written = 0; written < o.events; ) {
    const events = generator.next(Math.min(10_000, o.events - written));
    written += events.length;
    // Respect the stream's backpressure: memory stays bounded for any --events.
    if (!out.write(`${events.map((e) => JSON.stringify(e)).join("\n")}\n`)) await once(out, "drain");
    progress.update(`generated ${fmt(written)} events`);
  }
  out.end();
  await once(out, "finish");
  progress.done(`wrote ${fmt(o.events)} events to ${o.out}`);
}
