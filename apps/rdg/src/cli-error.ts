/**
 * An error the `rdg` command reports as one line on stderr, with its exit code: 1 when the
 * answer is "no" (not found, nothing there), 2 when the command was refused and the caller
 * must change something (another path, a flag such as --yes or --from-start).
 */
export class CliError extends Error {
  readonly exitCode: 1 | 2;

  constructor(message: string, exitCode: 1 | 2 = 1) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** A refusal: exit code 2, and the message says what to pass instead. */
export const refusal = (message: string): CliError => new CliError(message, 2);
