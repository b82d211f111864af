import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { READ_MODELS_CHECKPOINT } from '../projector';
import { ReadModelsRebuildingError } from '../read-model.port';
import { describeReadModelContract } from '../testing/read-model.contract';
import { sqliteReadModels } from '../testing/sqlite-read-model.factory';
import { openSqliteReadModelStore } from './sqlite-read-model.adapter';
import { READ_MODEL_SCHEMA_VERSION } from './sqlite-read-model.schema';

describeReadModelContract('sqlite', sqliteReadModels());

describe('SqliteReadModelStore schema', () => {
  it('migrates a version-1 file (before the rebuild state) in place, keeping its rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jx-read-models-'));
    const file = join(dir, 'readmodels.sqlite');
    try {
      const first = openSqliteReadModelStore({ file });
      await first.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: 3, changes: [{ kind: 'unit', unit: { unitId: 'u1', name: 'U', region: '360102', industry: 'general' } }] });
      await first.close();
      const raw = new Database(file);
      raw.exec('DROP TABLE rebuild_state');
      raw.pragma('user_version = 1');
      raw.close();

      const again = openSqliteReadModelStore({ file });
      expect(await again.checkpoint(READ_MODELS_CHECKPOINT)).toBe(3);
      await again.beginRebuild('t');
      await expect(again.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: 1, changes: [] })).rejects.toBeInstanceOf(ReadModelsRebuildingError);
      await again.endRebuild('t');
      await again.close();
      const check = new Database(file, { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(READ_MODEL_SCHEMA_VERSION);
      check.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
