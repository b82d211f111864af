import { READ_MODELS_CHECKPOINT } from '../../projector';
import { ReadModelsRebuildingError, type PersonYearSnapshot, type ReadModelBatch, type ReadModelChange, type ReadModelStore } from '../../read-model.port';
import { at } from '../projection-fixtures';
import type { ReadModelFactory, ReadModelFixture } from './read-model-fixture';

const unit = (unitId: string, region = '360102'): ReadModelChange => ({ kind: 'unit', unit: { unitId, name: unitId, region, industry: 'general' } });

/** p1's 2024 snapshot in `status`, with the given pending and registered activity ids. */
function personYear(status: string, pending: string[] = ['a1'], registered: string[] = []): ReadModelChange {
  const snapshot: PersonYearSnapshot = {
    personYear: {
      personId: 'p1', year: 2024, unitId: 'u1', field: 'general',
      // Deliberately outside the type when asked: every adapter's schema refuses such a row.
      status: status as PersonYearSnapshot['personYear']['status'],
      compliant: false, finalized: false, promotionDelay: false, confirmedAt: null, delayDueAfter: null, revision: 0,
    },
    pending: pending.map((activityId, i) => ({ activityId, category: '8.1', title: 't', declaredAt: at(1), position: 2 + i })),
    registrations: registered.map((activityId, i) => ({ activityId, institutionId: 'inst-1', contentKey: null, position: 2 + pending.length + i })),
  };
  return { kind: 'personYear', snapshot };
}

const batch = (position: number, changes: ReadModelChange[], checkpoint = READ_MODELS_CHECKPOINT): ReadModelBatch => ({ checkpoint, position, changes });

/** The rows and the checkpoint move together, in one transaction, and never backwards. */
export function checkpointContract(factory: ReadModelFactory): void {
  describe('apply, checkpoint and reset', () => {
    let fixture: ReadModelFixture;
    let store: ReadModelStore;
    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });
    afterEach(() => fixture.cleanup());

    it('starts at 0 and stores the position of the last batch applied, per checkpoint name', async () => {
      expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(0);
      await expect(store.apply(batch(5, [unit('u1')]))).resolves.toBe(true);
      expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(5);
      expect(await store.checkpoint('another')).toBe(0);
      await expect(store.apply(batch(3, [], 'another'))).resolves.toBe(true);
      expect([await store.checkpoint(READ_MODELS_CHECKPOINT), await store.checkpoint('another')]).toEqual([5, 3]);
    });

    it('keeps with each checkpoint the event its last batch ended with (none for a batch without one), in the copy the batch wrote', async () => {
      expect(await store.checkpointEvent(READ_MODELS_CHECKPOINT)).toBeNull();
      const fifth = { eventId: 'e5', streamId: 'unit-u1', revision: 0 };
      await store.apply({ ...batch(5, [unit('u1')]), lastEvent: fifth });
      await store.apply({ ...batch(2, [], 'another'), lastEvent: { eventId: 'e2', streamId: 'creditYear-p1+2024', revision: 1 } });
      expect(await store.checkpointEvent(READ_MODELS_CHECKPOINT)).toEqual({ position: 5, ...fifth });
      expect(await store.checkpointEvent('another')).toEqual({ position: 2, eventId: 'e2', streamId: 'creditYear-p1+2024', revision: 1 });
      // A skipped batch leaves it; a batch without one clears it (an older checkpoint's event must not stand for a newer position).
      await store.apply({ ...batch(4, []), lastEvent: { eventId: 'e4', streamId: 'unit-u1', revision: 0 } });
      expect(await store.checkpointEvent(READ_MODELS_CHECKPOINT)).toEqual({ position: 5, ...fifth });
      await store.apply(batch(6, []));
      expect(await store.checkpointEvent(READ_MODELS_CHECKPOINT)).toBeNull();
      // A rebuild's batches keep theirs in its copy, which is read once put in use.
      await store.beginRebuild('t1');
      await store.apply({ ...batch(6, [unit('u1')]), rebuildToken: 't1', lastEvent: { eventId: 'e6', streamId: 'unit-u9', revision: 3 } });
      await store.apply({ ...batch(2, [], 'another'), rebuildToken: 't1' });
      expect(await store.checkpointEvent(READ_MODELS_CHECKPOINT)).toBeNull();
      await store.endRebuild('t1');
      expect(await store.checkpointEvent(READ_MODELS_CHECKPOINT)).toEqual({ position: 6, eventId: 'e6', streamId: 'unit-u9', revision: 3 });
      expect(await store.checkpointEvent('another')).toBeNull();
    });

    it('keeps with each checkpoint the rule sets of its first batch in the copy, whatever later batches say, until a rebuild puts a copy derived under others in use', async () => {
      expect(await store.checkpointRuleSets(READ_MODELS_CHECKPOINT)).toBeNull();
      await store.apply({ ...batch(1, [unit('u1')]), ruleSets: 'rules-a' });
      await store.apply({ ...batch(2, [unit('u2')]), ruleSets: 'rules-b' });
      await store.apply(batch(3, [unit('u3')]));
      expect(await store.checkpointRuleSets(READ_MODELS_CHECKPOINT)).toBe('rules-a');
      expect(await store.checkpointRuleSets('another')).toBeNull();
      await store.beginRebuild('t1');
      await store.apply({ ...batch(3, [unit('u1')]), rebuildToken: 't1', ruleSets: 'rules-b' });
      expect(await store.checkpointRuleSets(READ_MODELS_CHECKPOINT)).toBe('rules-a');
      await store.endRebuild('t1');
      expect(await store.checkpointRuleSets(READ_MODELS_CHECKPOINT)).toBe('rules-b');
      // A rebuild under the rules first kept starts afresh too: its copy keeps its own first batch's.
      await store.beginRebuild('t2');
      await store.apply({ ...batch(3, [unit('u1')]), rebuildToken: 't2', ruleSets: 'rules-a' });
      await store.endRebuild('t2');
      expect(await store.checkpointRuleSets(READ_MODELS_CHECKPOINT)).toBe('rules-a');
    });

    it('writes nothing, checkpoint included, when a write of the batch fails part-way; the next batch applies', async () => {
      await store.apply(batch(5, [unit('u1')]));
      const before = await fixture.dump();
      // The message, not the class: better-sqlite3's errors come from another realm than Jest's Error.
      const failure = await store.apply(batch(9, [unit('u2'), personYear('open'), personYear('not-a-status')])).then(() => null, String);
      expect(failure).toMatch(/check constraint/i);
      expect(await fixture.dump()).toEqual(before);
      expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(5);

      await expect(store.apply(batch(9, [unit('u2'), personYear('open')]))).resolves.toBe(true);
      expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(9);
      expect((await store.unitPending('u1', { limit: 10 })).items.map((i) => i.activityId)).toEqual(['a1']);
    });

    it('skips a batch at or before the checkpoint, so a slower runner never writes older rows', async () => {
      await store.apply(batch(5, [personYear('confirmed')]));
      const before = await fixture.dump();
      await expect(store.apply(batch(5, [personYear('open')]))).resolves.toBe(false);
      await expect(store.apply(batch(3, [personYear('open'), unit('u9')]))).resolves.toBe(false);
      expect(await fixture.dump()).toEqual(before);
    });

    it("replaces a person-year's pending activities and registrations wholesale, and a unit's row", async () => {
      await store.apply(batch(1, [unit('u1', '360102'), personYear('open', ['a1', 'a2'], ['r1', 'r2'])]));
      await store.apply(batch(2, [unit('u1', '360402'), personYear('open', ['a2', 'a3'], ['r2'])]));
      const dump = await fixture.dump();
      expect(dump.pending_activities).toEqual([
        expect.objectContaining({ activity_id: 'a2', position: 2 }),
        expect.objectContaining({ activity_id: 'a3', position: 3 }),
      ]);
      expect(dump.institution_registrations).toEqual([expect.objectContaining({ activity_id: 'r2' })]);
      expect(dump.units).toEqual([{ unit_id: 'u1', name: 'u1', region: '360402', industry: 'general' }]);
    });

    it('keeps the last change of each key when a batch holds several, as applying them in order would', async () => {
      await store.apply(batch(1, [personYear('open', ['a1'], ['r1']), unit('u1', '360102'), personYear('confirmed', ['a2'], []), unit('u1', '360402')]));
      const dump = await fixture.dump();
      expect(dump.person_years).toEqual([expect.objectContaining({ status: 'confirmed' })]);
      expect(dump.pending_activities).toEqual([expect.objectContaining({ activity_id: 'a2' })]);
      expect(dump.institution_registrations).toEqual([]);
      expect(dump.units).toEqual([expect.objectContaining({ region: '360402' })]);
    });

    it('a rebuild builds a second copy from zero: the copy in use stays whole and live batches go on applying to it', async () => {
      await store.apply(batch(5, [unit('u1'), personYear('open', ['a1'], ['r1'])]));
      const before = await fixture.dump();
      await store.beginRebuild('t1');
      expect(await fixture.dump()).toEqual(before);
      expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(5);
      await expect(store.apply(batch(6, [unit('u-live')]))).resolves.toBe(true);
      expect((await fixture.dump()).units).toEqual([expect.objectContaining({ unit_id: 'u-live' }), expect.objectContaining({ unit_id: 'u1' })]);
      // The rebuild's batches go to its copy, from the first position on, and are not seen yet.
      await expect(store.apply({ ...batch(1, [unit('u1')]), rebuildToken: 't1' })).resolves.toBe(true);
      expect((await store.unitPending('u1', { limit: 10 })).items.map((i) => i.activityId)).toEqual(['a1']);
      expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(6);
    });

    it('a rebuild is put in use only once it has caught up with the live batches, then it alone is read and written', async () => {
      await store.apply(batch(5, [unit('u1'), personYear('open', ['a1'])]));
      await store.beginRebuild('t1');
      await store.apply({ ...batch(3, [unit('u1')]), rebuildToken: 't1' });
      await store.apply(batch(7, [unit('u-live')]));
      await expect(store.endRebuild('t1')).rejects.toMatchObject({ name: 'ReadModelsBehindError', checkpoint: READ_MODELS_CHECKPOINT, position: 7 });
      expect(await store.rebuildState()).toMatchObject({ rebuildingSince: expect.any(String) });
      await store.apply({ ...batch(7, [unit('u-rebuilt')]), rebuildToken: 't1' });
      await store.endRebuild('t1');
      expect(await store.rebuildState()).toMatchObject({ rebuildingSince: null });
      // The rebuilt copy is in use: its rows, its checkpoint.
      expect((await fixture.dump()).units.map((u) => (u as { unit_id: string }).unit_id)).toEqual(['u-rebuilt', 'u1']);
      expect(await store.checkpoint(READ_MODELS_CHECKPOINT)).toBe(7);
      expect((await store.unitPending('u1', { limit: 10 })).items).toEqual([]);
      // A live page at or before where the rebuild ended is skipped, a later one applies to it.
      await expect(store.apply(batch(7, [unit('u-stale')]))).resolves.toBe(false);
      await expect(store.apply(batch(8, [unit('u-next')]))).resolves.toBe(true);
      expect((await fixture.dump()).units.map((u) => (u as { unit_id: string }).unit_id)).toEqual(['u-next', 'u-rebuilt', 'u1']);
      // The rebuild's token is spent.
      await expect(store.apply({ ...batch(9, [unit('u-late')]), rebuildToken: 't1' })).rejects.toBeInstanceOf(ReadModelsRebuildingError);
    });

    it('the next rebuild starts its copy empty (the copy out of use), whatever it held', async () => {
      await store.apply(batch(2, [unit('u-old')]));
      await store.beginRebuild('t1');
      await store.apply({ ...batch(2, [unit('u-first')]), rebuildToken: 't1' });
      await store.endRebuild('t1');
      await store.beginRebuild('t2');
      await store.apply({ ...batch(2, [unit('u-second')]), rebuildToken: 't2' });
      await store.endRebuild('t2');
      expect((await fixture.dump()).units.map((u) => (u as { unit_id: string }).unit_id)).toEqual(['u-second']);
    });

    it('the rebuild state says whether a rebuild is under way, and counts every rebuild begun', async () => {
      expect(await store.rebuildState()).toEqual({ generation: 0, rebuildingSince: null });
      await store.beginRebuild('t1');
      const held = await store.rebuildState();
      expect(held.generation).toBe(1);
      expect(Date.parse(held.rebuildingSince ?? '')).not.toBeNaN();
      await store.endRebuild('t1');
      expect(await store.rebuildState()).toEqual({ generation: 1, rebuildingSince: null });
      await store.beginRebuild('t2');
      await store.beginRebuild('t3');
      expect((await store.rebuildState()).generation).toBe(3);
    });

    it('a rebuild begun again takes over: the first one can neither write nor end it', async () => {
      await store.beginRebuild('crashed');
      await store.apply({ ...batch(1, [unit('u-crashed')]), rebuildToken: 'crashed' });
      await store.beginRebuild('again');
      await expect(store.apply({ ...batch(1, [unit('u1')]), rebuildToken: 'crashed' })).rejects.toBeInstanceOf(ReadModelsRebuildingError);
      await expect(store.endRebuild('crashed')).rejects.toBeInstanceOf(ReadModelsRebuildingError);
      await store.apply({ ...batch(1, [unit('u-again')]), rebuildToken: 'again' });
      await store.endRebuild('again');
      await expect(store.endRebuild('again')).rejects.toBeInstanceOf(ReadModelsRebuildingError);
      expect((await fixture.dump()).units.map((u) => (u as { unit_id: string }).unit_id)).toEqual(['u-again']);
      await expect(store.apply(batch(2, [unit('u2')]))).resolves.toBe(true);
    });
  });
}
