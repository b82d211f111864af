/**
 * Every error leaves as `{"error": {"code", "message", "article"?}}` (API.md), nothing more: a 400's
 * message names each field refused and why.
 * Domain refusals map by kind; anything unexpected is a 500 that is logged without personal data.
 */
import { ArgumentsHost, Catch, HttpException, Logger, NotFoundException, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, UnknownEventTypeError, type DomainErrorKind } from '@jx/domain';
import { ConcurrencyConflictError, EventStoreClosedError } from '@jx/event-store';
import { JobQueueClosedError, JobQueueFullError, JobQueueUnavailableError } from '@jx/jobs';
import { InvalidCursorError, ReadModelsMigratedError } from '@jx/projections';
import { describeError, isStoreFull, isStoreUnavailable, logRepeatedFailures, reportIfFenced } from '@jx/platform';
import { HttpError } from './http-error';
import { id, PATH_PARAMETER_FORMATS } from './validation';
import type { KnownRoutes } from './known-routes';

const STATUS: Record<DomainErrorKind, number> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409, unprocessable: 422 };
const NEST_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

interface ErrorBody {
  code: string;
  message: string;
  article?: string;
}

export function toErrorResponse(exception: unknown): { status: number; body: ErrorBody } {
  if (exception instanceof HttpError || exception instanceof DomainError) {
    const status = exception instanceof HttpError ? exception.status : STATUS[exception.kind];
    const body: ErrorBody = { code: exception.code, message: exception.message };
    if (exception.article) body.article = exception.article;
    return { status, body };
  }
  if (exception instanceof InvalidCursorError) {
    return { status: 400, body: { code: exception.code, message: exception.message } };
  }
  if (exception instanceof ConcurrencyConflictError) {
    return { status: 409, body: { code: 'CONCURRENCY_CONFLICT', message: 'the person-year kept changing; try again' } };
  }
  if (exception instanceof JobQueueUnavailableError) {
    // Nothing is known to be enqueued; a retry is safe (job ids are deterministic).
    return { status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'the job queue is not answering; try again shortly' } };
  }
  if (exception instanceof JobQueueFullError) {
    return { status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'the job queue is out of memory: try again later' } };
  }
  if (exception instanceof EventStoreClosedError || exception instanceof JobQueueClosedError) {
    // Only while shutting down (the stores close last, after HTTP): a retry elsewhere finds the real state.
    return { status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'the server is shutting down; send the request again' } };
  }
  if (exception instanceof ReadModelsMigratedError) {
    // Newer code migrated the read models under this process (a deployment under way): the newer
    // processes answer; this one stops once its answers in flight are sent (exitWhenFenced).
    return { status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'this server is older than its read models; send the request again' } };
  }
  if (exception instanceof UnknownEventTypeError) {
    // Most likely a newer release wrote it (a rolling upgrade): the newer processes answer.
    return { status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'this person-year holds an event this server does not know (a newer release wrote it); send the request again' } };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return { status, body: { code: NEST_CODES[status] ?? 'HTTP_ERROR', message: exception.message } };
  }
  const status = (exception as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { code: NEST_CODES[status] ?? 'BAD_REQUEST', message: (exception as Error).message } };
  }
  if (isStoreFull(exception)) {
    // The write was refused whole; the store serves reads and takes writes again once space is freed.
    return { status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'a store is out of disk space: nothing of this request was written; try again later' } };
  }
  if (isStoreUnavailable(exception)) {
    // Retryable: an outage, not a bad request. (A declaration whose answer was lost with the
    // connection, sent again, answers as the first did, or 409 for a command already done.)
    return { status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'a store is not answering; try again shortly' } };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'internal error' } };
}

/** The error code each failed request was answered with, for its request log line (never personal data). */
export const answeredCodes = new WeakMap<object, string>();
/**
 * Why a token was refused (the 401's own message: expired, not valid, a scope claim missing), for
 * the request log line: an operator asked why a client is turned away reads it there. The messages
 * name claims, never their values.
 */
export const refusedTokens = new WeakMap<object, string>();

interface FilteredRequest {
  id?: string;
  method?: string;
  url?: string;
  routeOptions?: { url?: string };
}

/** What the filter logs through (Nest's Logger; a test's collector). */
export type ErrorLogger = Pick<Logger, 'warn' | 'error'>;

/** How often an outage's warning of one kind is written while every request meets it. */
const OUTAGE_LOG_WINDOW_MS = 10_000;

@Catch()
export class ErrorFilter implements ExceptionFilter {
  /**
   * An outage fails every request alike: one warning of each kind per window (with how many were
   * left out since the last), not one per request — each request still has its own request line,
   * with status and code. A store away under load wrote two lines per request (≈ 2,000 a second).
   */
  private readonly storeUnavailable = logRepeatedFailures((fields) => this.logger.warn(fields, 'store unavailable'), { windowMs: OUTAGE_LOG_WINDOW_MS });
  private readonly serviceUnavailable = logRepeatedFailures((fields) => this.logger.warn(fields, 'service unavailable'), { windowMs: OUTAGE_LOG_WINDOW_MS });
  private readonly storeFull = logRepeatedFailures((fields) => this.logger.error(fields, 'store out of disk space'), { windowMs: OUTAGE_LOG_WINDOW_MS });
  private readonly queueFull = logRepeatedFailures((fields) => this.logger.error(fields, 'job queue out of memory'), { windowMs: OUTAGE_LOG_WINDOW_MS });

  /**
   * `routes`: what is served, to answer a known path asked with another method 405 rather than
   * 404; `authenticates`: whether a request carries a valid token — without one, a path that is
   * not served is 401, as API.md orders authentication first.
   */
  constructor(
    private readonly routes?: KnownRoutes,
    private readonly authenticates?: (request: never) => boolean,
    private readonly logger: ErrorLogger = new Logger('http'),
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FilteredRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body } = this.unmatched(exception, request, reply) ?? toErrorResponse(exception);
    // The request's id (its correlation id), as on its request line: the two lines go together.
    const line = { reqId: request.id, err: describeError(exception) };
    // An operator must free space: an error, though the client may retry (once per window, as every outage).
    if (status === 503 && isStoreFull(exception)) this.storeFull(exception, { reqId: request.id });
    else if (exception instanceof JobQueueFullError) this.queueFull(exception, { reqId: request.id });
    else if (status === 503 && isStoreUnavailable(exception)) this.storeUnavailable(exception, { reqId: request.id });
    else if (reportIfFenced(exception)) this.logger.error(line, 'read models migrated by newer code: this process stops');
    // Not an outage: this process is older than the stream, or something else wrote to it.
    else if (exception instanceof UnknownEventTypeError) this.logger.error(line, 'an event of a type this release does not know');
    // Known and retryable (Redis away, a shutdown under way): a warning, not an unhandled error.
    else if (status === 503) this.serviceUnavailable(exception, { reqId: request.id });
    else if (status >= 500) this.logger.error(line, 'unhandled error');
    answeredCodes.set(request, body.code);
    if (status === 401) refusedTokens.set(request, body.message);
    reply.status(status).send({ error: body });
  }

  /**
   * No route matched (Nest's NotFoundException): 405 with Allow for a known path; else 401 without
   * a valid token; else 400 for a known path with a parameter left empty (API.md: anything outside
   * a parameter's format in a path is 400); else 404 — none echoes the query.
   */
  private unmatched(exception: unknown, request: FilteredRequest, reply: FastifyReply): { status: number; body: ErrorBody } | undefined {
    if (!(exception instanceof NotFoundException) || request.routeOptions?.url !== undefined) return undefined;
    const path = (request.url ?? '').split('?')[0]!;
    const allowed = this.routes?.methodsFor(path) ?? [];
    if (allowed.length === 0) {
      if (this.authenticates !== undefined && !this.authenticates(request as never)) {
        return { status: 401, body: { code: 'UNAUTHENTICATED', message: 'a valid Authorization: Bearer token is required' } };
      }
      const empty = this.routes?.emptyParameter(request.method ?? '', path);
      if (empty !== undefined) {
        // Said as the route's own validation says it of any other value outside the format.
        const reason = (PATH_PARAMETER_FORMATS[empty] ?? id).safeParse('').error?.issues[0]?.message ?? 'must not be empty';
        return { status: 400, body: { code: 'VALIDATION_FAILED', message: `${empty}: ${reason}` } };
      }
      return { status: 404, body: { code: 'NOT_FOUND', message: `no route for ${request.method} ${path}` } };
    }
    // The paths and their methods are public (/api/docs): a known path says which it takes, token or not.
    reply.header('allow', allowed.join(', '));
    return { status: 405, body: { code: 'METHOD_NOT_ALLOWED', message: `${request.method} is not served on ${path}; allowed: ${allowed.join(', ')}` } };
  }
}
