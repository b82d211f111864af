import { InvalidCursorError, type Page, type UnitPendingItem } from '../../read-model.port';
import { PersonYearWriter, at, putUnit } from '../projection-fixtures';
import { readModelHarness, type ReadModelHarness } from '../read-model-harness';
import type { ReadModelFactory } from './read-model-fixture';

/** The unit inbox (API.md, Inboxes): declarations awaiting the unit's verification, oldest first. */
export function unitPendingContract(factory: ReadModelFactory): void {
  describe('unitPending', () => {
    let h: ReadModelHarness;
    const year = (personId: string, y = 2024) => new PersonYearWriter(h.events, personId, y);
    const ids = async (unitId: string, limit = 100) =>
      (await h.readModels.unitPending(unitId, { limit })).items.map((i) => `${i.personId}/${i.activityId}`);

    beforeEach(async () => {
      h = await readModelHarness(factory);
      await putUnit(h.events, { unitId: 'u-nc', name: 'Nanchang Hospital', region: '360102', industry: 'health' }, at(0));
      await putUnit(h.events, { unitId: 'u-jj', name: 'Jiujiang School', region: '360402', industry: 'k12_education' }, at(0));
      await h.runner.start();
    });
    afterEach(() => h.close());

    it('lists declared activities of the unit oldest first: declaredAt, then the order they were written', async () => {
      // Written in another order than declared (a stream's times never go backwards, so across streams).
      const p1 = year('p1');
      await p1.open('u-nc', at(1));
      await p1.declare('a-late', at(10), { title: 'Late course', category: '8.4' });
      const p3 = year('p3');
      await p3.open('u-nc', at(1));
      await p3.declare('a-tie-first', at(5));
      await p3.declare('a-tie-second', at(5));
      const p2 = year('p2');
      await p2.open('u-nc', at(1));
      await p2.declare('b', at(7));
      await h.caughtUp();

      const page = await h.readModels.unitPending('u-nc', { limit: 100 });
      expect(page.items.map((i) => `${i.personId}/${i.activityId}`)).toEqual(['p3/a-tie-first', 'p3/a-tie-second', 'p2/b', 'p1/a-late']);
      expect(page.items[3]).toEqual({ personId: 'p1', year: 2024, activityId: 'a-late', category: '8.4', title: 'Late course', declaredAt: at(10) });
      expect(page.nextCursor).toBeNull();
    });

    it('breaks a declaredAt tie by global position, not by id', async () => {
      const p1 = year('p1');
      await p1.open('u-nc', at(1));
      await p1.declare('z-written-first', at(5));
      await p1.declare('a-written-second', at(5));
      await h.caughtUp();
      expect(await ids('u-nc')).toEqual(['p1/z-written-first', 'p1/a-written-second']);
    });

    it('drops an activity once verified, rejected or withdrawn, and never lists registrations', async () => {
      const p1 = year('p1');
      await p1.open('u-nc', at(1));
      for (const id of ['verified', 'rejected', 'withdrawn', 'waiting']) await p1.declare(id, at(2));
      await p1.register('registered', at(3));
      await h.caughtUp();
      expect(await ids('u-nc')).toEqual(['p1/verified', 'p1/rejected', 'p1/withdrawn', 'p1/waiting']);

      await p1.verify('verified', 5, at(4));
      await p1.reject('rejected', at(4));
      await p1.withdraw('withdrawn', at(4));
      await h.caughtUp();
      expect(await ids('u-nc')).toEqual(['p1/waiting']);
    });

    it("keeps to the unit's own person-years", async () => {
      const p1 = year('p1');
      await p1.open('u-nc', at(1));
      await p1.declare('mine', at(2));
      const p3 = year('p3');
      await p3.open('u-jj', at(1));
      await p3.declare('theirs', at(1));
      await h.caughtUp();
      expect(await ids('u-nc')).toEqual(['p1/mine']);
      expect(await ids('u-jj')).toEqual(['p3/theirs']);
      expect(await ids('u-unknown')).toEqual([]);
    });

    it('hides the declarations of a voided year while any flag stands, and shows them again after rescission', async () => {
      const p4 = year('p4');
      await p4.open('u-nc', at(1));
      await p4.declare('d', at(2));
      await p4.flag('f1', at(3));
      await p4.flag('f2', at(4));
      await h.caughtUp();
      expect(await ids('u-nc')).toEqual([]);

      await p4.rescind('f1', at(5));
      await h.caughtUp();
      expect(await ids('u-nc')).toEqual([]);

      await p4.rescind('f2', at(6));
      await h.caughtUp();
      expect(await ids('u-nc')).toEqual(['p4/d']);
    });

    it('pages with an opaque cursor: no item lost or repeated, null after the last page', async () => {
      const [p1, p2] = [year('p1'), year('p2')];
      await p1.open('u-nc', at(1));
      await p2.open('u-nc', at(1));
      for (let i = 0; i < 5; i += 1) await (i % 2 === 0 ? p1 : p2).declare(`a${i}`, at(10 + (i % 2)));
      await h.caughtUp();
      const all = await ids('u-nc');

      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<UnitPendingItem> = await h.readModels.unitPending('u-nc', { limit: 2, cursor });
        seen.push(...page.items.map((i) => `${i.personId}/${i.activityId}`));
        sizes.push(page.items.length);
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(sizes).toEqual([2, 2, 1]);
      expect(seen).toEqual(all);
      expect(all).toEqual(['p1/a0', 'p1/a2', 'p1/a4', 'p2/a1', 'p2/a3']);
    });

    it('keeps a cursor valid while the list changes: the next page starts after the last item seen', async () => {
      const p1 = year('p1');
      await p1.open('u-nc', at(1));
      for (const [id, minute] of [['a', 2], ['b', 3], ['c', 4]] as const) await p1.declare(id, at(minute));
      await h.caughtUp();
      const first = await h.readModels.unitPending('u-nc', { limit: 1 });
      expect(first.items.map((i) => i.activityId)).toEqual(['a']);

      await p1.verify('b', 1, at(5));
      // Declared before the cursor's item (in another person-year: a stream's times never go backwards).
      const p2 = year('p2');
      await p2.open('u-nc', at(1));
      await p2.declare('early', at(1));
      await h.caughtUp();
      const rest = await h.readModels.unitPending('u-nc', { limit: 10, cursor: first.nextCursor });
      expect(rest).toEqual({ items: [expect.objectContaining({ activityId: 'c' })], nextCursor: null });
    });

    it('answers nextCursor null when the page ends exactly at the last item', async () => {
      const p1 = year('p1');
      await p1.open('u-nc', at(1));
      await p1.declare('a', at(2));
      await p1.declare('b', at(3));
      await h.caughtUp();
      expect((await h.readModels.unitPending('u-nc', { limit: 2 })).nextCursor).toBeNull();
      expect((await h.readModels.unitPending('u-nc', { limit: 1 })).nextCursor).not.toBeNull();
    });

    it('refuses a cursor it did not hand out, including a real cursor of the authority inbox', async () => {
      for (const personId of ['p1', 'p2']) {
        const y = year(personId);
        await y.open('u-nc', at(1));
        await y.declare(`${personId}-a`, at(2));
        await y.confirm(at(3));
      }
      await h.caughtUp();
      const authorityCursor = (await h.readModels.authorityPending({ region: '360000' }, { limit: 1 })).nextCursor;
      expect(authorityCursor).not.toBeNull();
      const refused = ['not-a-cursor', authorityCursor, Buffer.from(JSON.stringify(['unit-pending', at(1)])).toString('base64url')];
      for (const cursor of refused) {
        await expect(h.readModels.unitPending('u-nc', { limit: 2, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
      }
    });
  });
}
