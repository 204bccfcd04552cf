/** Runs `step` (which does `opsPerStep` operations) until `ms` pass; returns operations per second. */
export async function rate(ms: number, opsPerStep: number, step: (i: number) => unknown): Promise<number> {
  const started = performance.now();
  const until = started + ms;
  let ops = 0;
  let i = 0;
  while (performance.now() < until) {
    const r = step(i++);
    if (r instanceof Promise) await r;
    ops += opsPerStep;
  }
  return ops / ((performance.now() - started) / 1000);
}

/** Median of a list. */
function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Alternates ceiling and ours for `rounds` rounds and returns the medians, so drift in a
 * shared, noisy machine hits both sides alike.
 */
export async function interleaved(rounds: number, ceiling: () => Promise<number>, ours: () => Promise<number>): Promise<{ ceiling: number; ours: number; ratio: number }> {
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(await ceiling());
    b.push(await ours());
  }
  const c = median(a);
  const o = median(b);
  return { ceiling: c, ours: o, ratio: o / c };
}
