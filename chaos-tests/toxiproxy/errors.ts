/**
 * The errors the HTTP API answers with, as Toxiproxy's api.go defines them: a message and an HTTP
 * status, sent as `{"error": "...", "status": N}`. Anything else that fails in a handler (a port
 * already in use, say) is answered 500 with its message, as Toxiproxy does for errors without a
 * status.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** `ErrBadRequestBody` joined with the cause, as Toxiproxy's `joinError`: "bad request body: ...". */
  static joined(wrapper: ApiError, cause: string): ApiError {
    return new ApiError(`${wrapper.message}: ${cause}`, wrapper.status);
  }

  toJSON(): { error: string; status: number } {
    return { error: this.message, status: this.status };
  }
}

export const ErrBadRequestBody = new ApiError('bad request body', 400);
export const ErrMissingField = new ApiError('missing required field', 400);
export const ErrProxyNotFound = new ApiError('proxy not found', 404);
export const ErrProxyAlreadyExists = new ApiError('proxy already exists', 409);
export const ErrInvalidStream = new ApiError('stream was invalid, can be either upstream or downstream', 400);
export const ErrInvalidToxicType = new ApiError('invalid toxic type', 400);
export const ErrToxicAlreadyExists = new ApiError('toxic already exists', 409);
export const ErrToxicNotFound = new ApiError('toxic not found', 404);

/** Any thrown value as the API answers it. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(error instanceof Error ? error.message : String(error), 500);
}
