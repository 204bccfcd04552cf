import type { JobMetrics } from "@rdg/ingest";
import { fmt } from "./progress.js";

/** What the board shows of one job; read at each redraw. */
export interface BoardJob {
  readonly config: { readonly name: string };
  readonly state: string;
  readonly metrics: Readonly<JobMetrics>;
  readonly lag: number | undefined;
}

/**
 * One status line per job (events/s, lag, dead letters, freshness) on stderr: redrawn in place
 * every second on a terminal, printed as a block every few seconds otherwise (CI logs).
 */
export class JobStatusBoard {
  readonly #jobs: readonly BoardJob[];
  readonly #tty: boolean;
  readonly #width: number;
  readonly #last = new Map<string, { events: number; at: number }>();
  readonly #started = performance.now();
  #timer: NodeJS.Timeout | undefined;
  #drawn = 0;

  constructor(jobs: readonly BoardJob[], options: { readonly tty?: boolean; readonly intervalMs?: number } = {}) {
    this.#jobs = jobs;
    this.#tty = options.tty ?? process.stderr.isTTY === true;
    this.#width = Math.max(...jobs.map((j) => j.config.name.length));
    const interval = options.intervalMs ?? (this.#tty ? 1000 : 5000);
    this.#timer = setInterval(() => this.draw(), interval);
    this.#timer.unref();
  }

  /** Draws the lines now. */
  draw(): void {
    const now = performance.now();
    const lines = this.#jobs.map((j) => this.#line(j, now));
    if (this.#tty) {
      const up = this.#drawn > 0 ? `\x1b[${this.#drawn}A` : "";
      process.stderr.write(`${up}${lines.map((l) => `\x1b[2K${l}\n`).join("")}`);
      this.#drawn = lines.length;
    } else {
      const elapsed = ((now - this.#started) / 1000).toFixed(1);
      process.stderr.write(lines.map((l) => `[${elapsed}s] ${l}\n`).join(""));
    }
  }

  /** Stops redrawing; on a terminal the lines are drawn a last time, with each job's final state. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#tty && this.#drawn > 0) this.draw();
  }

  #line(job: BoardJob, now: number): string {
    const m = job.metrics;
    const last = this.#last.get(job.config.name) ?? { events: 0, at: this.#started };
    const rate = ((m.eventsIn - last.events) * 1000) / Math.max(now - last.at, 1);
    this.#last.set(job.config.name, { events: m.eventsIn, at: now });
    const lag = job.lag === undefined ? "?" : fmt(job.lag);
    return `${job.config.name.padEnd(this.#width)}  ${fmt(rate).padStart(7)} events/s  ${fmt(m.eventsIn).padStart(10)} events  lag ${lag.padStart(7)}  ${fmt(m.deadLetters)} dead letters  freshness ${fmt(m.freshnessLastMs)} ms  ${job.state}`;
  }
}
