import type { JobMetrics } from "@rdg/ingest";

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

/**
 * A status line for long work: rewritten in place on a terminal, a plain line every few
 * seconds otherwise (CI logs), so a person always sees that it moves and how fast.
 */
export class ProgressLine {
  readonly #tty = process.stderr.isTTY === true;
  readonly #started = performance.now();
  #lastPrint = 0;
  #lastLength = 0;

  update(text: string): void {
    const now = performance.now();
    if (!this.#tty && now - this.#lastPrint < 2000) return;
    this.#lastPrint = now;
    const elapsed = ((now - this.#started) / 1000).toFixed(1);
    const line = `[${elapsed}s] ${text}`;
    if (this.#tty) {
      process.stderr.write(`\r${line}${" ".repeat(Math.max(0, this.#lastLength - line.length))}`);
      this.#lastLength = line.length;
    } else {
      process.stderr.write(`${line}\n`);
    }
  }

  done(text: string): void {
    if (this.#tty) process.stderr.write("\n");
    process.stderr.write(`${text}\n`);
  }
}

/** One line of job metrics. */
export function describeMetrics(m: Readonly<JobMetrics>, seconds: number): string {
  const rate = (n: number): string => fmt(n / Math.max(seconds, 1e-9));
  return `${fmt(m.eventsIn)} events (${rate(m.eventsIn)}/s), ${fmt(m.mutationsWritten)} mutations written (${rate(m.mutationsWritten)}/s), ${m.deadLetters} dead letters, freshness ${fmt(m.freshnessLastMs)} ms${m.rebalances > 0 ? `, ${m.rebalances} rebalance${m.rebalances === 1 ? "" : "s"}` : ""}`;
}

export { fmt };
