/**
 * OpenAI-style error bodies: `{"error": {"message", "type", "param", "code"}}` with the HTTP status
 * vLLM uses for the same failure (400 invalid request, 404 unknown model or path, 405 wrong method,
 * 413 body too large, 500 model failure).
 */
export interface OpenAIErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: number;
  };
}

/** An error the server answers with instead of a completion. */
export class HttpError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  constructor(status: number, type: string, message: string, param: string | null = null) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
  }

  body(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.status } };
  }
}

export const badRequest = (message: string, param: string | null = null): HttpError =>
  new HttpError(400, 'BadRequestError', message, param);
export const notFound = (message: string, param: string | null = null): HttpError => new HttpError(404, 'NotFoundError', message, param);
