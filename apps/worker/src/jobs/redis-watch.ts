/**
 * Where the job processors run on BullMQ (REDIS_URL), a Redis that falls silent with its
 * connections open (paused, hung, a network dropping packets) makes them wait without a word: no
 * connection closes, so neither ioredis nor BullMQ reports anything. This asks Redis for a PING
 * every few seconds — the health check's, on the connection `/api/health` uses, which times out —
 * and logs each silence (once per window, through the jobs' one failure log) and the answer after
 * it. A dropped connection is left to the errors BullMQ's own connections report.
 */
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DependencyWatch, HEALTH_CHECKS, JOBS_FAILURE_LOG, type HealthChecks, type RepeatedFailureLog } from '@jx/platform';

/** A check every 5 s, each given 2 s (the health connection's own command timeout): a silence shows within 7 s. */
export const REDIS_WATCH = { everyMs: 5000, timeoutMs: 2000 } as const;

/** ioredis's commandTimeout: the command was sent and nothing came back. */
const isCommandTimeout = (error: unknown): boolean => error instanceof Error && error.message === 'Command timed out';

@Injectable()
export class RedisWatch implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('jobs');
  private readonly watch: DependencyWatch | null;

  constructor(@Inject(HEALTH_CHECKS) checks: HealthChecks, @Inject(JOBS_FAILURE_LOG) log: RepeatedFailureLog) {
    const redis = checks.redis;
    this.watch =
      redis === undefined
        ? null
        : new DependencyWatch({
            name: 'Redis',
            check: () => redis.ping(),
            isTimeout: isCommandTimeout,
            ...REDIS_WATCH,
            consequence: 'the job processors wait for it',
            onSilent: log,
            onAnswered: () => log.recovered(),
            onFirstAnswer: () => this.logger.log(`Redis answered the first of the watch's checks (a PING every ${REDIS_WATCH.everyMs / 1000} s)`),
          });
  }

  onApplicationBootstrap(): void {
    this.watch?.start();
  }

  beforeApplicationShutdown(): void {
    this.watch?.stop();
  }
}
