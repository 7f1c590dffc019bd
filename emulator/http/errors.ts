// One factory for every error answer the sandbox gives, in the envelopes the real services use:
// `{error:{code,message,...}}` plus the `x-ms-error-code` header for Identity, Email and Chat, and
// the SMS API's own shapes (its 401 body and its model-validation 400 body).

export interface ErrorDetail {
  code: string;
  message: string;
  target?: string;
  details?: ErrorDetail[];
}

/** A finished answer: status, headers and a JSON body (or none). */
export interface ServiceResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Thrown by handlers; the server turns it into the response it carries. */
export class ServiceError extends Error {
  readonly response: ServiceResponse;

  constructor(response: ServiceResponse, message?: string) {
    super(message ?? `sandbox answered ${response.status}`);
    this.response = response;
  }
}

/** The common ACS envelope, with x-ms-error-code set to the same code. */
export function serviceError(
  status: number,
  code: string,
  message: string,
  extra: { target?: string; details?: ErrorDetail[]; headers?: Record<string, string> } = {}
): ServiceError {
  const error: ErrorDetail = { code, message };
  if (extra.target !== undefined) error.target = extra.target;
  if (extra.details !== undefined) error.details = extra.details;
  return new ServiceError(
    { status, headers: { "x-ms-error-code": code, ...extra.headers }, body: { error } },
    `${status} ${code}: ${message}`
  );
}

/** The SMS API answers a bad key with an empty message and no x-ms-error-code. */
export function smsUnauthorized(): ServiceError {
  return new ServiceError({ status: 401, body: { error: { code: "Unauthorized", message: "" } } });
}

/** The SMS API reports request validation as ASP.NET model state: `{"From":["Invalid from phone number format."]}`. */
export function smsValidationError(field: string, message: string): ServiceError {
  return new ServiceError({ status: 400, body: { [field]: [message] } }, `400 ${field}: ${message}`);
}

export function badRequest(message: string, target?: string): ServiceError {
  return serviceError(400, "BadRequest", message, target === undefined ? {} : { target });
}

export function notFound(message = "The requested resource was not found."): ServiceError {
  return serviceError(404, "NotFound", message);
}

/** 429 with Retry-After in (simulated) seconds and retry-after-ms in real milliseconds. */
export function tooManyRequests(retryAfterSimMs: number, retryAfterRealMs: number, message = "Rate limit exceeded."): ServiceError {
  return serviceError(429, "TooManyRequests", message, {
    headers: {
      "Retry-After": String(Math.max(1, Math.ceil(retryAfterSimMs / 1000))),
      "retry-after-ms": String(Math.max(1, Math.ceil(retryAfterRealMs)))
    }
  });
}
