let last = 0n;

/** Current time in microseconds, strictly increasing within this process. */
export function nowMicros(): bigint {
  let t = BigInt(Math.floor((performance.timeOrigin + performance.now()) * 1000));
  if (t <= last) t = last + 1n;
  last = t;
  return t;
}

/** Microseconds of a millisecond timestamp (event times are milliseconds). */
export function millisToMicros(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * 1000n;
}
