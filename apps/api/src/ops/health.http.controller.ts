import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore } from '@jx/event-store';
import { HEALTH_CHECKS, type HealthChecks } from '@jx/platform';
import { Public } from '../http/auth.guard';


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

  /** 200 when the event store (and, where configured, Redis) answer; 503 naming what does not. */
  @Public()
  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const all: HealthChecks = { eventStore: () => this.store.ping(), ...this.checks };
    const results: Record<string, 'up' | 'down' | 'rebuilding'> = {};
    await Promise.all(
      Object.entries(all).map(async ([name, ping]) => {
        results[name] = await withDeadline(ping(), CHECK_MS).then((state) => state ?? ('up' as const), () => 'down' as const);
      }),
    );
    // A rebuilding read model answers (API.md: 200 when the event store and Redis answer).
    const ok = Object.values(results).every((r) => r !== 'down');
    reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks: results };
  }
}
