/** A Kubernetes `Status` failure, thrown inside the simulator and written to the client as is. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

const reasonByCode: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  409: "Conflict",
  410: "Expired",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(code: number, message: string, reason?: string, details?: StatusDetails) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.reason = reason ?? reasonByCode[code] ?? "Unknown";
    this.details = details;
  }

  toStatus(): Record<string, unknown> {
    const status: Record<string, unknown> = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
    };
    if (this.details) status.details = this.details;
    status.code = this.code;
    return status;
  }
}

export interface ResourceRef {
  group: string;
  plural: string;
  kind: string;
}

function qualified(ref: ResourceRef): string {
  return ref.group ? `${ref.plural}.${ref.group}` : ref.plural;
}

export function notFound(ref: ResourceRef, name: string): ApiError {
  return new ApiError(404, `${qualified(ref)} "${name}" not found`, "NotFound", {
    name,
    group: ref.group,
    kind: ref.plural,
  });
}

export function alreadyExists(ref: ResourceRef, name: string): ApiError {
  return new ApiError(409, `${qualified(ref)} "${name}" already exists`, "AlreadyExists", {
    name,
    group: ref.group,
    kind: ref.plural,
  });
}

export function conflict(ref: ResourceRef, name: string, why: string): ApiError {
  return new ApiError(
    409,
    `Operation cannot be fulfilled on ${qualified(ref)} "${name}": ${why}`,
    "Conflict",
    {
      name,
      group: ref.group,
      kind: ref.plural,
    },
  );
}

export function staleResourceVersion(ref: ResourceRef, name: string): ApiError {
  return conflict(
    ref,
    name,
    "the object has been modified; please apply your changes to the latest version and try again",
  );
}

export function invalid(
  ref: ResourceRef,
  name: string,
  causes: Array<{ field: string; message: string; reason?: string }>,
): ApiError {
  const summary = causes.map((c) => `${c.field}: ${c.message}`).join(", ");
  const detail = causes.length > 1 ? `[${summary}]` : summary;
  return new ApiError(422, `${ref.kind} "${name}" is invalid: ${detail}`, "Invalid", {
    name,
    group: ref.group,
    kind: ref.kind,
    causes: causes.map((c) => ({
      reason: c.reason ?? "FieldValueInvalid",
      message: c.message,
      field: c.field,
    })),
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, message, "BadRequest");
}

export function methodNotAllowed(
  message = "the server does not allow this method on the requested resource",
): ApiError {
  return new ApiError(405, message, "MethodNotAllowed");
}

export function gone(message: string): ApiError {
  return new ApiError(410, message, "Expired");
}
