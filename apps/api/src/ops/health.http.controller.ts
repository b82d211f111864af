import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CLOCK, type Clock } from '@jx/application';
import { EVENT_STORE, type EventStore } from '@jx/event-store';
import { HEALTH_CHECKS, withDeadline, type HealthChecks } from '@jx/platform';
import { READ_MODEL_STORE, READ_MODELS_CHECKPOINT, type ReadModelStore } from '@jx/projections';
import { Public } from '../http/auth.guard';
import { jsonSchema } from '../http/openapi';
import * as responses from '../http/responses';

/** A dependency that does not answer within this is down: health must answer even then. */
const CHECK_MS = 2000;

@Controller('api/health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(HEALTH_CHECKS) private readonly checks: HealthChecks,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Whether the read models (inboxes, reports) hold every event, and else how old the oldest event
   * they lack is: two short reads (the checkpoint, one event after it), whatever the store's
   * positions look like (EventStoreDB's are not consecutive). Reported, not judged (API.md decides
   * the status): a worker that stopped shows here as an age that grows, while everything answers.
   */
  private async readModelsLag(): Promise<{ caughtUp: boolean; seconds: number }> {
    const [oldest] = await this.store.readAll(await this.readModels.checkpoint(READ_MODELS_CHECKPOINT), 1);
    if (oldest === undefined) return { caughtUp: true, seconds: 0 };
    const seconds = Math.max(0, (this.clock.now().getTime() - Date.parse(oldest.metadata.at)) / 1000);
    return { caughtUp: false, seconds: Math.round(seconds * 10) / 10 };
  }

  /** 200 when the event store (and, where configured, Redis) answer; 503 naming what does not; the read models reported. */
  @Public()
  @ApiOperation({ summary: 'Health (no token): 200 when the event store and, where configured, Redis answer; the read models are reported beside them' })
  @ApiResponse({ status: 200, description: '{"status": "ok", "checks": {"eventStore": "up", …}, "readModelsLag": {"caughtUp", "seconds"} | null}', schema: jsonSchema(responses.health, 'output') as never })
  @ApiResponse({ status: 503, description: '{"status": "unavailable", "checks": {…: "down"}}: a required dependency does not answer', schema: jsonSchema(responses.health, 'output') as never })
  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const all: HealthChecks = { eventStore: { required: true, ping: () => this.store.ping() }, ...this.checks };
    const results: Record<string, 'up' | 'down'> = {};
    // Beside the checks, under the same deadline: health answers within CHECK_MS.
    const lagging = withDeadline(this.readModelsLag(), CHECK_MS).catch(() => null);
    await Promise.all(
      Object.entries(all).map(async ([name, check]) => {
        results[name] = await withDeadline(check.ping(), CHECK_MS).then(() => 'up' as const, () => 'down' as const);
      }),
    );
    const lag = await lagging;
    // API.md: 200 when the event store and, where configured, Redis answer; the read models are
    // reported in the body without deciding the status.
    const ok = Object.entries(all).every(([name, check]) => !check.required || results[name] !== 'down');
    reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks: results, readModelsLag: lag };
  }
}
