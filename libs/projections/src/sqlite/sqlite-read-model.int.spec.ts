import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { READ_MODELS_CHECKPOINT } from '../projector';
import { describeReadModelContract } from '../testing/read-model.contract';
import { sqliteReadModels } from '../testing/sqlite-read-model.factory';
import { openSqliteReadModelStore } from './sqlite-read-model.adapter';
import { READ_MODEL_SCHEMA_VERSION, READ_MODEL_TABLES, copyTable } from './sqlite-read-model.schema';

describeReadModelContract('sqlite', sqliteReadModels());

describe('SqliteReadModelStore schema', () => {
  const unitChange = (unitId: string) => [{ kind: 'unit' as const, unit: { unitId, name: 'U', region: '360102', industry: 'general' } }];

  it.each([1, 2])('migrates a version-%i file in place: its rows stay in use, and a rebuild then builds the second copy', async (version) => {
    const dir = await mkdtemp(join(tmpdir(), 'jx-read-models-'));
    const file = join(dir, 'readmodels.sqlite');
    try {
      const first = openSqliteReadModelStore({ file });
      await first.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: 3, changes: unitChange('u1') });
      await first.close();
      // Back to the older shape: one copy (v1), plus the rebuild state without `in_use` (v2).
      const raw = new Database(file);
      raw.exec('DROP TABLE rebuild_state');
      for (const table of READ_MODEL_TABLES) raw.exec(`DROP TABLE ${copyTable('b', table)}`);
      if (version === 2) {
        raw.exec('CREATE TABLE rebuild_state (singleton INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1), token TEXT, started_at TEXT, generation INTEGER NOT NULL)');
        raw.exec('INSERT INTO rebuild_state VALUES (1, NULL, NULL, 4)');
      }
      raw.pragma(`user_version = ${version}`);
      raw.close();

      const again = openSqliteReadModelStore({ file });
      expect(await again.checkpoint(READ_MODELS_CHECKPOINT)).toBe(3);
      expect(again.dump().units).toEqual([expect.objectContaining({ unit_id: 'u1' })]);
      expect(await again.rebuildState()).toEqual({ generation: version === 2 ? 4 : 0, rebuildingSince: null });
      await again.beginRebuild('t');
      await expect(again.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: 4, changes: unitChange('u-live') })).resolves.toBe(true);
      await again.apply({ checkpoint: READ_MODELS_CHECKPOINT, position: 4, changes: unitChange('u-rebuilt'), rebuildToken: 't' });
      await again.endRebuild('t');
      expect(again.dump().units).toEqual([expect.objectContaining({ unit_id: 'u-rebuilt' })]);
      await again.close();
      const check = new Database(file, { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(READ_MODEL_SCHEMA_VERSION);
      check.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
