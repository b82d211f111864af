/**
 * What `GET /api/health` pings besides the event store: the read models, and Redis where
 * configured (API.md: 200 when the event store and, where configured, Redis answer).
 */
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import type { AppConfig } from '@jx/config';
import { READ_MODEL_STORE, type ReadModelStore } from '@jx/projections';
import { reportIfFenced } from './fenced';
import { APP_CONFIG } from './tokens';

/** A check resolves when its dependency answers. */
export interface HealthCheck {
  ping(): Promise<void>;
  /**
   * Whether this dependency being down makes health 503. API.md: 200 when the event store and,
   * where configured, Redis answer; the read models are reported beside them, not judged.
   */
  required: boolean;
}
export type HealthChecks = Record<string, HealthCheck>;
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

@Injectable()
export class DependencyHealth implements OnApplicationShutdown {
  /** A connection of its own, opened on the first check and never retried for long: health answers fast. */
  private readonly redis: Redis | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore) {
    this.redis =
      config.REDIS_URL === undefined
        ? null
        : new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000, enableOfflineQueue: false });
    // Failures are what the check reports; an unhandled 'error' event would only add noise.
    this.redis?.on('error', () => undefined);
  }

  private connecting: Promise<void> | null = null;

  checks(): HealthChecks {
    const checks: HealthChecks = {
      // A fenced process says so here too, and stops (fenced.ts): a supervisor polling health sees it go.
      readModels: {
        required: false,
        ping: async () => {
          try {
            await this.readModels.ping();
          } catch (error: unknown) {
            reportIfFenced(error);
            throw error;
          }
        },
      },
    };
    const redis = this.redis;
    if (redis !== null) {
      checks.redis = {
        required: true,
        ping: async () => {
          // One connect shared by concurrent first checks (a ping meanwhile would be refused).
          if (redis.status === 'wait' || redis.status === 'end') this.connecting ??= redis.connect().finally(() => (this.connecting = null));
          if (this.connecting !== null) await this.connecting;
          await redis.ping();
        },
      };
    }
    return checks;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis !== null && this.redis.status !== 'end') this.redis.disconnect();
  }
}
