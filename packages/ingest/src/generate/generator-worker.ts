import { parentPort, workerData } from "node:worker_threads";
import { MemberJourneyGenerator } from "../domain/member-journey-generator.js";
import { generateBatch } from "./generate-batch.js";
import type { FromGeneratorWorker, GeneratorCredit, GeneratorWorkerData } from "./generator-messages.js";

/*
 * One part of a parallel member-journey generator (generateParallel): generates its events in
 * batches and posts each batch's buffer, transferred, while it holds credits; the parent gives
 * a credit back for every batch its consumer took, so memory stays bounded.
 */

const port = parentPort!;
const data = workerData as GeneratorWorkerData;
const generator = new MemberJourneyGenerator(data.options);
let credits = data.credits;
let wake: (() => void) | undefined;
port.on("message", (message: GeneratorCredit) => {
  credits += message.credit;
  wake?.();
});

for (let seq = 0, done = 0; done < data.events; seq++) {
  while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
  credits--;
  const events = Math.min(data.batchSize, data.events - done);
  const { buffer, length } = generateBatch(generator, events, data.format);
  port.postMessage({ kind: "batch", seq, events, buffer, length } satisfies FromGeneratorWorker, [buffer]);
  done += events;
}
port.postMessage({ kind: "done" } satisfies FromGeneratorWorker);
// Nothing more to wait for: let the thread end.
port.removeAllListeners("message");
