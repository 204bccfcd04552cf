import type { BenchResult } from "../report/bench-result.js";

/** Settings every scenario takes from the command line. */
export interface ScenarioSettings {
  /** Seconds of each measured phase. */
  readonly seconds: number;
  /** fsync at commit, on both sides. */
  readonly sync: boolean;
  /** Scratch directory for data. */
  readonly dataDir: string;
  readonly progress: (text: string) => void;
  /** The `--scale` of the run, for scenarios that size their data by it. @default "medium" */
  readonly scale?: "small" | "medium" | "large";
}

export type Scenario = (s: ScenarioSettings) => Promise<Omit<BenchResult, "startedAt" | "machine" | "durationSec">>;
