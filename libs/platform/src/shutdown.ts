/** Closes the ports in order on shutdown: jobs settle, then the stores they write to. */
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@jx/event-store';
import { JOB_QUEUE, type JobQueue } from '@jx/jobs';
import { READ_MODEL_STORE, type ReadModelStore } from '@jx/projections';

/**
 * Runs every close in order, each even if one before it failed (a job queue that could not close
 * cleanly must not leave the stores open: SQLite's WAL checkpoint, PostgreSQL's pool), then
 * rejects with the first failure.
 */
export async function closeInOrder(closes: ReadonlyArray<() => Promise<void>>): Promise<void> {
  const failures: unknown[] = [];
  for (const close of closes) {
    try {
      await close();
    } catch (error: unknown) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}

@Injectable()
export class PortsShutdown implements OnApplicationShutdown {
  private readonly logger = new Logger('shutdown');

  constructor(
    @Inject(JOB_QUEUE) private readonly jobs: JobQueue,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async onApplicationShutdown(signal?: string): Promise<void> {
    await closeInOrder([() => this.jobs.close(), () => this.readModels.close(), () => this.events.close()]);
    // The last line of a clean stop: the process ends on its signal next (no exit code to log).
    this.logger.log({ ...(signal === undefined ? {} : { signal }) }, 'stores closed; the process stops');
  }
}
