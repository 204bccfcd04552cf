// A worker module for the parallel ingestion tests: the member-journey worker, with faults on
// marked events (query "boom" throws an error that blames no event; query "exit" ends the thread).
import { memberJourneyWorker } from "@rdg/ingest";

export async function createIngestWorker(options, context) {
  const { createIngestWorker: base } = await import(memberJourneyWorker.href);
  const setup = await base(options, context);
  return {
    ...setup,
    map: (event) => {
      if (event.query === "boom") throw new TypeError("a bug in the processor");
      if (event.query === "exit") process.exit(3);
      return setup.map(event);
    },
  };
}
