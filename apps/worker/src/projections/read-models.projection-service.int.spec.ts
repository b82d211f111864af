/**
 * A job that must read every event so far (the institution flag, the promotion-delay sweep) asks
 * the projection to catch up: during a shutdown the projection stops first, and the job is then
 * interrupted — back to waiting, no attempt counted — rather than failed (which used an attempt
 * and logged a failure at every stop with a job queued).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore, type SqliteEventStore } from '@jx/event-store';
import { JobInterruptedError } from '@jx/jobs';
import { openSqliteReadModelStore, type SqliteReadModelStore } from '@jx/projections';
import { defaultRegistry } from '@jx/rules';
import { ReadModelsProjection } from './read-models.projection-service';

describe('ReadModelsProjection.requireCaughtUp', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readModels: SqliteReadModelStore;
  let projection: ReadModelsProjection;
  const metadata = { actor: { id: 'hr', role: 'authority' }, correlationId: 'c1', causationId: null, ruleSetId: 'jx-2023-trial', at: '2024-05-01T00:00:00.000Z' };
  /** An event the read models have not seen yet, of a stream no projection reads (only its position counts). */
  const appendOne = () => events.append('elsewhere-x9', [{ type: 'NotProjectedHere', data: {}, metadata }], -1);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jx-projection-service-'));
    events = openSqliteEventStore({ file: join(dir, 'events.sqlite'), pollIntervalMs: 10 });
    readModels = openSqliteReadModelStore({ file: join(dir, 'readmodels.sqlite') });
    projection = new ReadModelsProjection(events, readModels, defaultRegistry());
  });
  afterEach(async () => {
    await projection.runner.stop();
    await readModels.close();
    await events.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('interrupts the job once the projection stopped (a shutdown under way) and its queue closes: it runs again, no attempt counted', async () => {
    await projection.onApplicationBootstrap();
    await projection.beforeApplicationShutdown();
    await appendOne();
    // Not before its queue closes (the job's signal): a queue still open would only take it again.
    const closing = new AbortController();
    let settled = false;
    const waiting = projection.requireCaughtUp('not caught up', closing.signal).finally(() => (settled = true));
    waiting.catch(() => undefined);
    // The same catch-up, asked after it, has answered (stopped): a turn later, it still waits for the queue.
    await expect(projection.catchUp()).resolves.toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    closing.abort();
    await expect(waiting).rejects.toBeInstanceOf(JobInterruptedError);
    await expect(projection.requireCaughtUp('not caught up', closing.signal)).rejects.toBeInstanceOf(JobInterruptedError);
  });

  it('fails the attempt (it is retried) when the read models did not catch up in time while running', async () => {
    await appendOne();
    // Never started: the event stays unprojected, and the wait times out.
    await expect(projection.requireCaughtUp('the index did not catch up', undefined, 20)).rejects.toThrow(new Error('the index did not catch up'));
  });

  it('resolves once the read models hold every event so far', async () => {
    await appendOne();
    await projection.onApplicationBootstrap();
    await expect(projection.requireCaughtUp('not caught up')).resolves.toBeUndefined();
  });
});
