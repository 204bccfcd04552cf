import type { FastifyReply, FastifyRequest } from "fastify";
import { ServerError } from "../errors/server-error.js";

interface Pending {
  readonly controller: AbortController;
  readonly timer: NodeJS.Timeout;
}

const pending = new WeakMap<FastifyRequest, Pending>();

/**
 * Gives a request an abort signal that fires when it runs past `timeoutMs`
 * (`DEADLINE_EXCEEDED`) or when the client closes the connection before the answer
 * (`CANCELLED`); every graph read of the request carries it, so its work stops.
 */
export function startRequestSignal(request: FastifyRequest, reply: FastifyReply, timeoutMs: number): void {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new ServerError("DEADLINE_EXCEEDED", `ran past the server's requestTimeoutMs of ${timeoutMs} ms and was stopped; ask for less (a smaller limit, fewer steps) or retry`, { field: "request" }));
  }, timeoutMs);
  timer.unref();
  pending.set(request, { controller, timer });
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) controller.abort(new ServerError("CANCELLED", "the client closed the connection before the answer"));
    clearTimeout(timer);
  });
}

/** The request's signal (a signal that never fires for a request without one). */
export function signalOf(request: FastifyRequest): AbortSignal {
  return pending.get(request)?.controller.signal ?? NEVER;
}

/** Stops the request's timer once it is answered. */
export function endRequestSignal(request: FastifyRequest): void {
  const p = pending.get(request);
  if (p !== undefined) clearTimeout(p.timer);
}

const NEVER = new AbortController().signal;

/**
 * `work`, or the signal's reason as soon as it aborts: a read the KV layer cannot interrupt
 * (one already sent to the backend) never holds the answer past the deadline.
 */
export function untilAborted<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal === NEVER) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e as Error);
      },
    );
  });
}
