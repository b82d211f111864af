import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteReadModelStore } from '../sqlite/sqlite-read-model.adapter';
import type { ReadModelFactory } from './contract/read-model-fixture';

/** SQLite read models for the contract: each store in a temp folder of its own, removed by its cleanup. */
export function sqliteReadModels(): ReadModelFactory {
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jx-readmodels-'));
    const store = openSqliteReadModelStore({ file: join(dir, 'readmodels.sqlite') });
    return {
      store,
      dump: async (which) => store.dump(which),
      cleanup: async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  };
}
