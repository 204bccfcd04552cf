import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { EncodedGraphPlanner } from "@rdg/graph";
import { isInputError, validateMutation, type Mutation } from "@rdg/model";
import { Coalescer } from "../coalesce/coalescer.js";
import type { CreateIngestWorker, IngestWorkerSetup } from "./ingest-worker-setup.js";
import { ownerOf } from "./key-partitioner.js";
import type { FromWorker, PeerMutations, ToWorker, WorkerDeadLetter, WorkerStart } from "./worker-messages.js";

/*
 * A worker thread of a ParallelIngestJob: maps and validates the events it is given (or
 * generates), routes each mutation to the worker that owns its key, coalesces and plans what it
 * owns into an encoded, sorted KV batch per epoch, and transfers that to the writing thread.
 * Any error that does not blame an event (a bug, a store that cannot be read) is fatal: the
 * worker reports it and exits, and the job stops without committing past what was stored.
 */

const start = workerData as WorkerStart;
const port = parentPort!;
const post = (message: FromWorker, transfer?: ArrayBuffer[]): void => port.postMessage(message, transfer ?? []);

class EpochState {
  /** Event time that opened the current coalescing window, or -1. */
  windowStart = -1;
  events = 0;
  mapped = 0;
  planned = 0;
  oldestEventTime = Number.POSITIVE_INFINITY;
  readonly dead: WorkerDeadLetter[] = [];
  /** Mutations owned by each peer, sent at the flush. */
  readonly forward: Mutation[][] = Array.from({ length: start.workers }, () => []);
}

async function main(): Promise<void> {
  const mod = (await import(start.module)) as { createIngestWorker?: CreateIngestWorker };
  if (typeof mod.createIngestWorker !== "function") throw new Error(`[ingest] worker module ${start.module} exports no createIngestWorker(options, context)`);
  const setup = (await mod.createIngestWorker(start.options, { index: start.index, workers: start.workers })) as IngestWorkerSetup<unknown>;
  const planner = new EncodedGraphPlanner({ schema: setup.schema, kv: setup.reader, ...(start.edgeTimeCache === undefined ? {} : { edgeTimeCache: start.edgeTimeCache }) });
  const coalescer = new Coalescer();
  const epochs = new Map<number, EpochState>();
  const fromPeers = new Map<number, Mutation[][]>();
  const waiting = new Map<number, () => void>();
  const epochOf = (epoch: number): EpochState => {
    let state = epochs.get(epoch);
    if (state === undefined) epochs.set(epoch, (state = new EpochState()));
    return state;
  };

  start.peers.forEach((peer: MessagePort | null) => {
    peer?.on("message", (m: PeerMutations) => {
      let got = fromPeers.get(m.epoch);
      if (got === undefined) fromPeers.set(m.epoch, (got = []));
      got.push(m.mutations as Mutation[]);
      if (got.length === start.workers - 1) waiting.get(m.epoch)?.();
    });
  });

  // Without a window, a worker coalesces over its whole epoch: the epoch is one transaction, so a
  // window closing inside it only wrote states that the same transaction overwrote (an edge
  // updated in two windows cost its adjacency entry an add and a removal, and its items twice).
  const windowMs = start.coalesceWindowMs ?? Number.POSITIVE_INFINITY;
  const take = async (state: EpochState, events: readonly unknown[]): Promise<void> => {
    const { map, eventTime, schema, validation } = setup;
    for (const event of events) {
      state.events++;
      let mutations: readonly Mutation[];
      try {
        mutations = map(event);
        for (const m of mutations) validateMutation(schema, m, validation);
      } catch (error) {
        if (!isInputError(error)) throw error;
        state.dead.push({ event, reason: error instanceof Error ? error.message : String(error), code: (error as { code?: string }).code });
        continue;
      }
      if (mutations.length === 0) continue;
      const t = eventTime(event);
      if (t < state.oldestEventTime) state.oldestEventTime = t;
      if (state.windowStart < 0) state.windowStart = t;
      else if (t - state.windowStart >= windowMs) {
        // The coalescing window closes: its mutations join the epoch's batch (one transaction).
        const window = coalescer.drain();
        state.planned += window.length;
        await planner.add(window);
        state.windowStart = t;
      }
      state.mapped += mutations.length;
      for (const m of mutations) {
        const owner = ownerOf(m, start.workers);
        if (owner === start.index) coalescer.add(m);
        else state.forward[owner]!.push(m);
      }
    }
  };

  const flush = async (epoch: number): Promise<void> => {
    const state = epochOf(epoch);
    epochs.delete(epoch);
    if (start.workers > 1) {
      start.peers.forEach((peer, i) => peer?.postMessage({ epoch, mutations: state.forward[i]! } satisfies PeerMutations));
      if ((fromPeers.get(epoch)?.length ?? 0) < start.workers - 1) await new Promise<void>((resolve) => waiting.set(epoch, resolve));
      waiting.delete(epoch);
      for (const part of fromPeers.get(epoch) ?? []) for (const m of part) coalescer.add(m);
      fromPeers.delete(epoch);
    }
    const mutations = coalescer.drain();
    state.planned += mutations.length;
    await planner.add(mutations);
    const plan = planner.finish();
    const b = plan.batch;
    post(
      { t: "batch", epoch, seq: plan.seq, batch: b, ops: plan.ops, writes: plan.writes, events: state.events, mapped: state.mapped, planned: state.planned, oldestEventTime: state.oldestEventTime, dead: state.dead },
      [b.buffer as ArrayBuffer],
    );
  };

  const handle = async (m: ToWorker): Promise<void> => {
    switch (m.t) {
      case "events":
        return take(epochOf(m.epoch), m.events);
      case "generate": {
        if (setup.generate === undefined) throw new Error(`[ingest] worker module ${start.module} has no generate(count): give the job a source`);
        return take(epochOf(m.epoch), setup.generate(m.count));
      }
      case "flush":
        return flush(m.epoch);
      case "durable":
        planner.durable(m.seq);
        setup.refresh?.();
        return;
      case "forget":
        planner.forgetWrittenTimes();
        return;
      case "stop":
        await setup.close?.();
        for (const peer of start.peers) peer?.close();
        port.close();
        return;
    }
  };

  // One message at a time, in order: an epoch's events are all taken before its flush.
  let queue = Promise.resolve();
  port.on("message", (m: ToWorker) => {
    queue = queue.then(() => handle(m)).catch(fatal);
  });
  post({ t: "ready" });
}

function fatal(error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ t: "fatal", message: e.message, stack: e.stack });
  // Exit so nothing more is planned; the job sees the report first (messages are ordered).
  setImmediate(() => process.exit(1));
}

main().catch(fatal);
