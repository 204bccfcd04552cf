import { RdgError, formatErrorMessage } from "@rdg/model";
import { KafkaError } from "../errors/kafka-error.js";

const START = "start the project's broker with services/kafka.sh start, or pass the bootstrap address of a running broker";

/** The innermost errors of a `@platformatic/kafka` error (it nests them in `errors` and `cause`). */
function leaves(error: unknown, out: Error[] = [], depth = 0): Error[] {
  if (!(error instanceof Error) || depth > 8) return out;
  const nested = [...((error as { errors?: unknown[] }).errors ?? []), ...(error.cause === undefined ? [] : [error.cause])];
  if (nested.length === 0) out.push(error);
  for (const e of nested) leaves(e, out, depth + 1);
  return out;
}

function hasCode(error: unknown, code: string, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 8) return false;
  if ((error as { code?: unknown }).code === code) return true;
  return [...((error as { errors?: unknown[] }).errors ?? []), error.cause].some((e) => hasCode(e, code, depth + 1));
}

/**
 * A `KafkaError` for what a `@platformatic/kafka` call threw while `doing` (e.g. "sending 2000
 * events"): `CONNECTION` when no broker could be reached, `TIMEOUT` when one did not answer,
 * `BACKEND` for an error the broker answered with. An RDG error is returned as it is.
 */
export function toKafkaError(error: unknown, brokers: readonly string[], doing: string): RdgError {
  if (RdgError.isInstance(error)) return error;
  const at = brokers.join(",");
  const inner = [...new Set(leaves(error).map(describe))].slice(0, 3).join("; ") || String(error);
  if (hasCode(error, "PLT_KFK_NETWORK") || /Cannot connect to any broker/.test(String((error as Error).message))) {
    return new KafkaError("CONNECTION", formatErrorMessage("ingest", "brokers", `cannot reach Kafka at ${at} while ${doing} (${inner}); ${START}`), { brokers, field: "brokers", cause: error });
  }
  if (hasCode(error, "PLT_KFK_TIMEOUT")) {
    return new KafkaError("TIMEOUT", formatErrorMessage("ingest", "brokers", `Kafka at ${at} did not answer in time while ${doing} (${inner}); check the broker (services/kafka.sh status) or raise requestTimeoutMs`), { brokers, field: "brokers", cause: error });
  }
  return new KafkaError("BACKEND", formatErrorMessage("ingest", "brokers", `Kafka at ${at} refused ${doing}: ${inner}`), { brokers, field: "brokers", cause: error });
}

function describe(e: Error): string {
  const { apiId, serverErrorMessage } = e as { apiId?: string; serverErrorMessage?: string | null };
  return [apiId, serverErrorMessage ?? e.message].filter((s) => s !== undefined && s !== "").join(": ");
}
