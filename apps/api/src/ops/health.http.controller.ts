import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore } from '@jx/event-store';
import { HEALTH_CHECKS, type HealthChecks } from '@jx/platform';
import { Public } from '../http/auth.guard';
import { jsonSchema } from '../http/openapi';
import * as responses from '../http/responses';

/** A dependency that does not answer within this is down: health must answer even then. */
const CHECK_MS = 2000;

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer')), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

@Controller('api/health')
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(HEALTH_CHECKS) private readonly checks: HealthChecks) {}

  /** 200 when the event store (and, where configured, Redis) answer; 503 naming what does not; the read models reported. */
  @Public()
  @ApiOperation({ summary: 'Health (no token): 200 when the event store and, where configured, Redis answer; the read models are reported beside them' })
  @ApiResponse({ status: 200, description: '{"status": "ok", "checks": {"eventStore": "up", …}}', schema: jsonSchema(responses.health, 'output') as never })
  @ApiResponse({ status: 503, description: '{"status": "unavailable", "checks": {…: "down"}}: a required dependency does not answer', schema: jsonSchema(responses.health, 'output') as never })
  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const all: HealthChecks = { eventStore: { required: true, ping: () => this.store.ping() }, ...this.checks };
    const results: Record<string, 'up' | 'down'> = {};
    await Promise.all(
      Object.entries(all).map(async ([name, check]) => {
        results[name] = await withDeadline(check.ping(), CHECK_MS).then(() => 'up' as const, () => 'down' as const);
      }),
    );
    // API.md: 200 when the event store and, where configured, Redis answer; the read models are
    // reported in the body without deciding the status.
    const ok = Object.entries(all).every(([name, check]) => !check.required || results[name] !== 'down');
    reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks: results };
  }
}
