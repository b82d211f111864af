/**
 * The projection pipeline around any read-model adapter: a real SQLite event store in a temp
 * folder as the source, the real Projector and ProjectionRunner, and read models from the
 * adapter's factory. Test support; not part of the runtime barrel.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore, type SqliteEventStore } from '@jx/event-store';
import { defaultRegistry } from '@jx/rules';
import { Projector } from '../projector';
import { ProjectionRunner, type ProjectionRunnerOptions } from '../projection-runner';
import type { ReadModelStore } from '../read-model.port';
import type { ReadModelDump, ReadModelFactory, ReadModelFixture } from './contract/read-model-fixture';

export interface ProjectedReadModels {
  readModels: ReadModelStore;
  runner: ProjectionRunner;
  dump(which?: 'in-use' | 'out-of-use'): Promise<ReadModelDump>;
}

export interface ReadModelHarness extends ProjectedReadModels {
  events: SqliteEventStore;
  /** Resolves once the main read models include every event appended so far. */
  caughtUp(): Promise<void>;
  /**
   * Another fresh store, of the same adapter unless another factory is given, with its own runner
   * on the same events (for rebuilds, and to compare adapters).
   */
  secondary(options?: ProjectionRunnerOptions, otherFactory?: ReadModelFactory): Promise<ProjectedReadModels>;
  close(): Promise<void>;
}

export async function readModelHarness(factory: ReadModelFactory, options: ProjectionRunnerOptions = {}): Promise<ReadModelHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'jx-read-model-contract-'));
  const events = openSqliteEventStore({ file: join(dir, 'events.sqlite'), pollIntervalMs: 10 });
  const opened: Array<{ fixture: ReadModelFixture; runner: ProjectionRunner }> = [];
  const project = async (runnerOptions: ProjectionRunnerOptions, from = factory): Promise<ProjectedReadModels> => {
    const fixture = await from();
    const runner = new ProjectionRunner(events, fixture.store, new Projector(events, fixture.store, defaultRegistry()), runnerOptions);
    opened.push({ fixture, runner });
    return { readModels: fixture.store, runner, dump: (which) => fixture.dump(which) };
  };
  let main: ProjectedReadModels;
  try {
    main = await project(options);
  } catch (error: unknown) {
    await events.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    ...main,
    events,
    caughtUp: async () => {
      await main.runner.waitFor(await events.headPosition());
    },
    secondary: (runnerOptions = {}, otherFactory = factory) => project(runnerOptions, otherFactory),
    close: () => {
      closing ??= (async () => {
        for (const { runner, fixture } of opened) {
          await runner.stop();
          await fixture.cleanup();
        }
        await events.close();
        await rm(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
