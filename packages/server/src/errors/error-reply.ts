import { ERROR_STATUS, RdgError, errorInfo, type RdgErrorCode } from "@rdg/model";
import type { ServerLimits } from "../limits/server-limits.js";
import type { ErrorBody } from "../schemas/api-schemas.js";

/** An error as the server answers it: the status of its code in `ERROR_STATUS`, and the JSON body. */
export interface ErrorReply {
  readonly status: number;
  readonly body: ErrorBody;
  /** Seconds a client should wait before retrying (a `Retry-After` header), on 503. */
  readonly retryAfterSeconds?: number;
}

/** One validation failure as fastify reports it (ajv's error object). */
interface ValidationIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}

interface FastifyLikeError {
  readonly code?: string;
  readonly statusCode?: number;
  readonly message: string;
  readonly validation?: readonly ValidationIssue[];
  readonly validationContext?: string;
}

const reply = (code: RdgErrorCode, message: string, field?: string): ErrorReply => {
  const status = ERROR_STATUS[code].status;
  const body = field === undefined ? { code, message } : { code, message, field };
  return status === 503 ? { status, body, retryAfterSeconds: 1 } : { status, body };
};

/** `querystring.limit` from fastify's `querystring` and ajv's `/limit`. */
function fieldOf(context: string | undefined, path: string): string {
  let out = context ?? "request";
  for (const part of path.split("/").filter((p) => p !== "")) out += /^\d+$/.test(part) ? `[${part}]` : `.${part}`;
  return out;
}

function describeIssue(issue: ValidationIssue, context: string | undefined): { field: string; message: string } {
  const field = fieldOf(context, issue.instancePath);
  const p = issue.params;
  switch (issue.keyword) {
    case "additionalProperties":
      return { field, message: `${JSON.stringify(p["additionalProperty"])} is not a field here; remove it (GET /openapi.json lists the fields)` };
    case "required":
      return { field, message: `${JSON.stringify(p["missingProperty"])} is missing; add it (GET /openapi.json lists the fields)` };
    case "type":
      return { field, message: `must be ${String(p["type"])}` };
    case "minimum":
    case "maximum":
      return { field, message: `must be ${issue.keyword === "minimum" ? ">=" : "<="} ${String(p["limit"])}` };
    case "anyOf":
    case "enum":
    case "const":
      return { field, message: `is not one of the accepted values (GET /openapi.json lists them)` };
    default:
      return { field, message: `${issue.message ?? "is not valid"}` };
  }
}

/**
 * What the server answers for any error: RDG errors by their code's row in `ERROR_STATUS`;
 * fastify's own (validation, body parsing, body size) under the server's codes; anything else
 * `INTERNAL` 500, whose details stay in the log.
 */
export function errorReply(error: unknown, limits: ServerLimits): ErrorReply {
  if (RdgError.isInstance(error)) {
    const info = errorInfo(error);
    if (info === undefined) return reply("INTERNAL", `unexpected error ${error.code}; the server log has the details`);
    const body = error.field === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, field: error.field };
    return info.status === 503 ? { status: info.status, body, retryAfterSeconds: 1 } : { status: info.status, body };
  }
  if (error instanceof Error && error.name === "AbortError") return reply("CANCELLED", "[server] the request was cancelled");
  const e = error as FastifyLikeError;
  if (e !== null && typeof e === "object" && Array.isArray(e.validation) && e.validation.length > 0) {
    const { field, message } = describeIssue(e.validation[0]!, e.validationContext);
    return reply("INVALID_REQUEST", `[server] ${field}: ${message}`, field);
  }
  switch (e?.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return reply("BODY_TOO_LARGE", `[server] body: over the server's maxBodyBytes of ${limits.maxBodyBytes} bytes; send fewer nodes or events per request`, "body");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return reply("UNSUPPORTED_MEDIA_TYPE", "[server] content-type: send the body as JSON with content-type: application/json", "content-type");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return reply("INVALID_REQUEST", "[server] body: is empty; send a JSON object (GET /openapi.json has its schema)", "body");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return reply("INVALID_REQUEST", `[server] body: is not valid JSON (${e.message}); send a JSON object`, "body");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return reply("INVALID_REQUEST", "[server] content-length: does not match the body; send the body's length in bytes", "content-length");
    default:
  }
  if (error instanceof SyntaxError) return reply("INVALID_REQUEST", `[server] body: is not valid JSON (${error.message}); send a JSON object`, "body");
  const status = typeof e?.statusCode === "number" ? e.statusCode : 500;
  if (status >= 400 && status < 500) return reply("INVALID_REQUEST", `[server] ${e.message}`);
  return reply("INTERNAL", "[server] internal error; the server log has the details");
}
