/** One figure: a value and its unit. */
export interface Figure {
  readonly value: number;
  readonly unit: string;
}

/** A result file: the same shape for every scenario, so every run reads the same way. */
export interface BenchResult {
  readonly scenario: string;
  readonly startedAt: string;
  readonly durationSec: number;
  readonly machine: Record<string, unknown>;
  readonly settings: Record<string, unknown>;
  readonly figures: Record<string, Figure>;
  /** Ours over the ceiling measured in the same run. */
  readonly ratios: Record<string, number>;
  /** Targets of the issue the scenario answers, and whether this run met them. */
  readonly targets: Record<string, { readonly target: number; readonly actual: number; readonly met: boolean }>;
  readonly notes: string[];
  /** The command that produced the run (results before the harness recorded it have none). */
  readonly command?: string;
}
