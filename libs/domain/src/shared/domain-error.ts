/**
 * A refusal decided by the domain. `kind` says which class of refusal it is (API.md's error
 * order); the HTTP layer alone maps it to a status code.
 */
export type DomainErrorKind = 'invalid' | 'forbidden' | 'not_found' | 'conflict' | 'unprocessable';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly article?: string,
    readonly details?: ReadonlyArray<{ field: string; reason: string }>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (code: string, message: string, article?: string) =>
  new DomainError('invalid', code, message, article);
export const forbidden = (code: string, message: string, article?: string) =>
  new DomainError('forbidden', code, message, article);
export const notFound = (code: string, message: string) => new DomainError('not_found', code, message);
export const conflict = (code: string, message: string, article?: string) =>
  new DomainError('conflict', code, message, article);
export const unprocessable = (code: string, message: string, article?: string) =>
  new DomainError('unprocessable', code, message, article);
