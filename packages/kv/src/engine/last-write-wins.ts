import { compareBytes } from "../util/bytes.js";

/**
 * The one rule every backend applies: the later write time wins; at equal times a delete beats a
 * put, and between two puts the greater value (unsigned bytes) wins. This is Cassandra's own
 * rule, so every backend converges to the same state from any order of the same writes.
 * Returns true when the incoming write replaces the existing one.
 */
export function incomingWins(
  incomingTime: bigint,
  incomingValue: Uint8Array | undefined,
  existingTime: bigint,
  existingValue: Uint8Array | undefined,
): boolean {
  if (incomingTime !== existingTime) return incomingTime > existingTime;
  if (existingValue === undefined) return false;
  if (incomingValue === undefined) return true;
  return compareBytes(incomingValue, existingValue) > 0;
}
