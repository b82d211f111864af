/**
 * Turns a page of events (global order) into one read-model batch. Each person-year touched by the
 * page is re-derived from its own stream, read once at the page's highest revision for it; unit
 * events upsert their unit. The batch carries the page's last position as the checkpoint, so the
 * rows and the checkpoint move together.
 */
import { parseCreditYearStream } from '@jx/domain';
import type { EventStore, StoredEvent } from '@jx/event-store';
import { projectCreditYear, type RuleSets } from './credit-year.projection';
import type { ReadModelChange, ReadModelStore } from './read-model.port';
import { projectUnit } from './unit.projection';

/** The checkpoint of the read models fed by this projector. */
export const READ_MODELS_CHECKPOINT = 'read-models';

export class Projector {
  constructor(
    private readonly events: Pick<EventStore, 'readStream'>,
    private readonly readModels: ReadModelStore,
    private readonly rules: RuleSets,
    readonly checkpointName: string = READ_MODELS_CHECKPOINT,
  ) {}

  /** Projects one page; resolves once its batch is committed (or skipped as already applied). */
  async handle(page: readonly StoredEvent[]): Promise<void> {
    const last = page[page.length - 1];
    if (last === undefined) return;
    const changes = await this.changesFor(page);
    await this.readModels.apply({ checkpoint: this.checkpointName, position: last.position, changes });
  }

  private async changesFor(page: readonly StoredEvent[]): Promise<ReadModelChange[]> {
    const changes: ReadModelChange[] = [];
    const touched = new Map<string, number>();
    for (const event of page) {
      const unit = projectUnit(event);
      if (unit !== null) changes.push({ kind: 'unit', unit });
      else if (parseCreditYearStream(event.streamId) !== null) {
        touched.set(event.streamId, Math.max(touched.get(event.streamId) ?? -1, event.revision));
      }
    }
    const snapshots = await Promise.all(
      [...touched].map(async ([streamId, revision]) => {
        const stream = await this.events.readStream(streamId, { toRevision: revision });
        // The page holds that revision, so the store must too: anything shorter is a broken read.
        if (stream.length !== revision + 1) throw new Error(`${streamId}: read ${stream.length} events up to revision ${revision}`);
        return projectCreditYear(stream, this.rules);
      }),
    );
    for (const snapshot of snapshots) if (snapshot !== null) changes.push({ kind: 'personYear', snapshot });
    return changes;
  }
}
