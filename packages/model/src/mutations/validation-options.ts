import { ModelError } from "../errors/model-error.js";

/**
 * Limits of `validateMutation` beyond the schema: the window of sane event times and the
 * size of string values. Give the same object to every call (it is checked once per object).
 */
export interface ValidationOptions {
  /** Earliest event time accepted, milliseconds since the epoch. @default 946_684_800_000 (2000-01-01T00:00:00Z) */
  readonly minTime?: number;
  /** How far ahead of `now()` an event time may be, in milliseconds; `Infinity` turns the check off. @default 86_400_000 (one day) */
  readonly maxAheadMs?: number;
  /** The clock event times are compared with, milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /** Largest string property value, in UTF-8 bytes. @default 65_536 (64 KiB) */
  readonly maxStringBytes?: number;
}

/** `ValidationOptions` with every default filled in. */
export interface ResolvedValidationOptions {
  readonly minTime: number;
  readonly maxAheadMs: number;
  readonly now: () => number;
  readonly maxStringBytes: number;
}

/** The defaults of `ValidationOptions`. */
export const VALIDATION_DEFAULTS: ResolvedValidationOptions = Object.freeze({
  minTime: Date.UTC(2000, 0, 1),
  maxAheadMs: 86_400_000,
  now: Date.now,
  maxStringBytes: 64 * 1024,
});

const resolved = new WeakMap<ValidationOptions, ResolvedValidationOptions>();

/**
 * Checks options and fills in the defaults; remembered per options object, so the hot path
 * pays one lookup. Throws a `ModelError` (`INVALID_ARGUMENT`) naming the bad option.
 */
export function resolveValidationOptions(options: ValidationOptions | undefined): ResolvedValidationOptions {
  if (options === undefined) return VALIDATION_DEFAULTS;
  const known = resolved.get(options);
  if (known !== undefined) return known;
  const out: ResolvedValidationOptions = Object.freeze({
    minTime: options.minTime ?? VALIDATION_DEFAULTS.minTime,
    maxAheadMs: options.maxAheadMs ?? VALIDATION_DEFAULTS.maxAheadMs,
    now: options.now ?? VALIDATION_DEFAULTS.now,
    maxStringBytes: options.maxStringBytes ?? VALIDATION_DEFAULTS.maxStringBytes,
  });
  if (!Number.isSafeInteger(out.minTime) || out.minTime < 0) {
    throw new ModelError("INVALID_ARGUMENT", "minTime", `must be a non-negative integer of milliseconds, got ${String(out.minTime)}; e.g. Date.UTC(2000, 0, 1)`);
  }
  if (!(out.maxAheadMs >= 0)) throw new ModelError("INVALID_ARGUMENT", "maxAheadMs", `must be a number of milliseconds >= 0 (Infinity turns the check off), got ${String(out.maxAheadMs)}`);
  if (typeof out.now !== "function") throw new ModelError("INVALID_ARGUMENT", "now", "must be a function returning milliseconds since the epoch, e.g. Date.now");
  if (!Number.isSafeInteger(out.maxStringBytes) || out.maxStringBytes < 1) {
    throw new ModelError("INVALID_ARGUMENT", "maxStringBytes", `must be a positive integer of bytes, got ${String(out.maxStringBytes)}`);
  }
  resolved.set(options, out);
  return out;
}
