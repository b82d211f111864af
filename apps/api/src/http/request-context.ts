/** What a controller takes from the request: the verified actor and the conversation ids. */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ActorClaims } from '@jx/domain';
import type { CommandMetadata } from '@jx/application';

interface ContextRequest {
  actor?: ActorClaims;
  headers: Record<string, string | string[] | undefined>;
}

const CORRELATION = /^[A-Za-z0-9_.:-]{1,128}$/;

export function metadataOf(request: ContextRequest): CommandMetadata {
  const header = request.headers['x-correlation-id'];
  const correlationId = typeof header === 'string' && CORRELATION.test(header) ? header : randomUUID();
  return { actor: request.actor!, correlationId, causationId: null };
}

/** The command metadata of this request: actor from the token, correlation id from the caller or new. */
export const Meta = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandMetadata =>
  metadataOf(ctx.switchToHttp().getRequest<ContextRequest>()),
);
