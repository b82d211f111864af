/** An error with its HTTP status decided at the edge (auth, policies, validation). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly article?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const forbiddenError = (message: string, code = 'FORBIDDEN', article?: string) =>
  new HttpError(403, code, message, article);
