/** What a controller takes from the request: the verified actor and the conversation ids. */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ActorClaims } from '@jx/domain';
import type { CommandMetadata } from '@jx/application';

interface ContextRequest {
  actor?: ActorClaims;
  /** Fastify's request id: correlationIdOf the request (genReqId). */
  id?: string;
  headers: Record<string, string | string[] | undefined>;
}

export const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * The id that follows a request everywhere: the caller's `X-Correlation-Id` when it is 1–128 of
 * `[A-Za-z0-9_.:-]`, else a new UUID. It is the request's id in its log lines, is echoed in the
 * answer's `X-Correlation-Id`, and is the correlation id of every event (and job) it causes.
 */
export function correlationIdOf(headers: ContextRequest['headers']): string {
  const header = headers[CORRELATION_HEADER];
  return typeof header === 'string' && CORRELATION.test(header) ? header : randomUUID();
}

export function metadataOf(request: ContextRequest): CommandMetadata {
  return { actor: request.actor!, correlationId: request.id ?? correlationIdOf(request.headers), causationId: null };
}

/** The command metadata of this request: actor from the token, correlation id from the caller or new. */
export const Meta = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandMetadata =>
  metadataOf(ctx.switchToHttp().getRequest<ContextRequest>()),
);
