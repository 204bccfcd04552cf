import { formatErrorMessage } from "@rdg/model";
import { IngestError } from "../errors/ingest-error.js";

/** One problem of a jobs configuration: the place at fault and what is wrong there. */
export interface JobsConfigProblem {
  /** The entry and field, e.g. `jobs[1] "playback".batchSize`, or `kafka.brokers`. */
  readonly field: string;
  /** What is wrong and what to give instead, e.g. `must be a positive integer, got -3`. */
  readonly problem: string;
}

/**
 * A jobs configuration file that cannot be run, found before anything connects. Lists every
 * problem found: `[ingest] jobs.json: jobs[1] "playback".batchSize: must be a positive integer,
 * got -3`. `field` is the first problem's place; `problems` has them all.
 */
export class JobsConfigError extends IngestError {
  declare readonly field: string;
  /** The configuration file, as given. */
  readonly file: string;
  readonly problems: readonly JobsConfigProblem[];

  constructor(file: string, problems: readonly JobsConfigProblem[]) {
    const first = problems[0] ?? { field: "", problem: "is not a jobs configuration" };
    const message = problems.length <= 1
      ? formatErrorMessage("ingest", `${file}: ${first.field}`.replace(/: $/, ""), first.problem)
      : formatErrorMessage("ingest", file, `${problems.length} problems:\n${problems.map((p) => `  ${p.field}: ${p.problem}`).join("\n")}`);
    super("INVALID_ARGUMENT", message, { field: first.field });
    this.name = "JobsConfigError";
    this.file = file;
    this.problems = Object.freeze([...problems]);
  }
}
