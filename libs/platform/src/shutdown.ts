/** Closes the ports in order on shutdown: jobs settle, then the stores they write to. */
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@jx/event-store';
import { JOB_QUEUE, type JobQueue } from '@jx/jobs';
import { READ_MODEL_STORE, type ReadModelStore } from '@jx/projections';

@Injectable()
export class PortsShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(JOB_QUEUE) private readonly jobs: JobQueue,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.jobs.close();
    await this.readModels.close();
    await this.events.close();
  }
}
