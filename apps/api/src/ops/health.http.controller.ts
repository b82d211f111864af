import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CLOCK, type Clock } from '@jx/application';
import { EVENT_STORE, type EventStore } from '@jx/event-store';
import { HEALTH_CHECKS, type HealthChecks } from '@jx/platform';
import { READ_MODEL_STORE, READ_MODELS_CHECKPOINT, type ReadModelStore } from '@jx/projections';
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
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(HEALTH_CHECKS) private readonly checks: HealthChecks,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * How far the read models (inboxes, reports) are behind the events: positions not yet projected,
   * and the age of the oldest of them. Reported, not judged (API.md decides the status): a worker
   * that stopped shows here as a lag that grows, while everything answers.
   */
  private async readModelsLag(): Promise<{ events: number; seconds: number }> {
    const [head, checkpoint] = await Promise.all([this.store.headPosition(), this.readModels.checkpoint(READ_MODELS_CHECKPOINT)]);
    const [oldest] = head > checkpoint ? await this.store.readAll(checkpoint, 1) : [];
    if (oldest === undefined) return { events: 0, seconds: 0 };
    const seconds = Math.max(0, (this.clock.now().getTime() - Date.parse(oldest.metadata.at)) / 1000);
    return { events: head - checkpoint, seconds: Math.round(seconds * 10) / 10 };
  }

  /** 200 when the event store (and, where configured, Redis) answer; 503 naming what does not; the read models reported. */
  @Public()
  @ApiOperation({ summary: 'Health (no token): 200 when the event store and, where configured, Redis answer; the read models are reported beside them' })
  @ApiResponse({ status: 200, description: '{"status": "ok", "checks": {"eventStore": "up", …}, "readModelsLag": {"events", "seconds"} | null}', schema: jsonSchema(responses.health, 'output') as never })
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
    const lag = results.eventStore === 'up' && results.readModels === 'up' ? await withDeadline(this.readModelsLag(), CHECK_MS).catch(() => null) : null;
    return { status: ok ? 'ok' : 'unavailable', checks: results, readModelsLag: lag };
  }
}
