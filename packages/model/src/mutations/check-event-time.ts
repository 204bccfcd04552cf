import { ModelError } from "../errors/model-error.js";
import type { ResolvedValidationOptions } from "./validation-options.js";

const iso = (ms: number): string => (Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`);

function duration(ms: number): string {
  if (ms === 0) return "0 ms";
  if (ms % 86_400_000 === 0) return ms === 86_400_000 ? "one day" : `${ms / 86_400_000} days`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${ms} ms`;
}

/**
 * Checks an event time in milliseconds: a non-negative safe integer inside
 * `[minTime, now() + maxAheadMs]`. Times that fit once read as seconds, microseconds or
 * nanoseconds say so, since that is the usual cause (a producer's clock in the wrong unit).
 */
export function checkEventTime(field: string, time: unknown, o: ResolvedValidationOptions): void {
  if (typeof time !== "number" || !Number.isSafeInteger(time) || time < 0) {
    // Nanoseconds since the epoch are past 2^53: say so rather than only "not an integer of ms".
    const ns = typeof time === "number" && Number.isInteger(time) && time > 0 ? Math.floor(time / 1e6) : -1;
    const hint = ns >= o.minTime && ns <= o.now() + o.maxAheadMs
      ? `; it looks like nanoseconds since the epoch (as nanoseconds it is ${iso(ns)}): give milliseconds (divide by 1,000,000)`
      : "";
    throw new ModelError("VALIDATION", field, `must be a non-negative integer of milliseconds, got ${JSON.stringify(time)}${hint}`);
  }
  if (time >= o.minTime && o.maxAheadMs === Infinity) return;
  const now = o.now();
  const latest = now + o.maxAheadMs;
  if (time >= o.minTime && time <= latest) return;
  const fits = (ms: number): boolean => ms >= o.minTime && ms <= latest;
  if (time < o.minTime) {
    if (fits(time * 1000)) {
      throw new ModelError("VALIDATION", field, `${time} looks like seconds since the epoch (as seconds it is ${iso(time * 1000)}); give milliseconds (multiply by 1000)`);
    }
    throw new ModelError("VALIDATION", field, `${time} (${iso(time)}) is before ${iso(o.minTime)}, the earliest time accepted; check the producer's clock, or lower minTime`);
  }
  for (const [unit, per] of [["microseconds", 1000], ["nanoseconds", 1_000_000]] as const) {
    if (fits(Math.floor(time / per))) {
      throw new ModelError("VALIDATION", field, `${time} looks like ${unit} since the epoch (as ${unit} it is ${iso(Math.floor(time / per))}); give milliseconds (divide by ${per.toLocaleString("en-US")})`);
    }
  }
  throw new ModelError("VALIDATION", field, `${time} (${iso(time)}) is more than ${duration(o.maxAheadMs)} ahead of the clock (${iso(now)}); check the producer's clock, or raise maxAheadMs`);
}
