import { InvalidArgumentError } from "commander";

/** A commander parser for a positive integer option; `1_000_000` is accepted. */
export const positiveInteger = (name: string) => (value: string): number => {
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`--${name} must be a positive integer, got "${value}"`);
  return n;
};

/** A commander parser for a TCP port, 0 to 65535 (0: any free port). */
export const tcpPort = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError(`--${name} must be a TCP port, 0 to 65535, got "${value}"`);
  return n;
};
