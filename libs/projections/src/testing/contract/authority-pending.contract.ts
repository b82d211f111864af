import type { Field } from '@jx/domain';
import { InvalidCursorError, type AuthorityPendingItem, type Page, type RegionScope } from '../../read-model.port';
import { PersonYearWriter, at, putUnit } from '../projection-fixtures';
import { readModelHarness, type ReadModelHarness } from '../read-model-harness';
import type { ReadModelFactory } from './read-model-fixture';

/**
 * The authority inbox (API.md, Inboxes): confirmed person-years awaiting finalisation, within the
 * scope judged on the unit's current region (RULES.md §1) and, for an industry authority, its field.
 */
export function authorityPendingContract(factory: ReadModelFactory): void {
  describe('authorityPending', () => {
    let h: ReadModelHarness;
    const year = (personId: string) => new PersonYearWriter(h.events, personId, 2024);
    const inbox = async (scope: RegionScope) => (await h.readModels.authorityPending(scope, { limit: 100 })).items.map((i) => i.personId);

    /** A year confirmed by its unit at `confirmedAt` (minutes). */
    async function confirmed(personId: string, unitId: string, confirmedAt: number, field?: Field): Promise<PersonYearWriter> {
      const y = year(personId);
      await y.open(unitId, at(1), field);
      await y.register(`${personId}-r`, at(2));
      await y.confirm(at(confirmedAt));
      return y;
    }

    /** Every item of the inbox, page by page. */
    async function walk(scope: RegionScope, limit: number): Promise<{ seen: string[]; pages: number }> {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page<AuthorityPendingItem> = await h.readModels.authorityPending(scope, { limit, cursor });
        seen.push(...page.items.map((i) => i.personId));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== null);
      return { seen, pages };
    }

    beforeEach(async () => {
      h = await readModelHarness(factory);
      await putUnit(h.events, { unitId: 'u-nc-county', name: 'Donghu Clinic', region: '360102', industry: 'health' }, at(0));
      await putUnit(h.events, { unitId: 'u-nc-other', name: 'Xinjian Office', region: '360112', industry: 'accounting' }, at(0));
      await putUnit(h.events, { unitId: 'u-jj', name: 'Jiujiang School', region: '360402', industry: 'k12_education' }, at(0));
      await h.runner.start();
    });
    afterEach(() => h.close());

    it('lists confirmed years oldest confirmation first, each with its unit and confirmedAt', async () => {
      await confirmed('q-late', 'u-nc-county', 30);
      await confirmed('q-early', 'u-jj', 20);
      await confirmed('q-mid', 'u-nc-other', 25);
      await h.caughtUp();
      const page = await h.readModels.authorityPending({ region: '360000' }, { limit: 100 });
      expect(page).toEqual({
        items: [
          { personId: 'q-early', year: 2024, unitId: 'u-jj', confirmedAt: at(20) },
          { personId: 'q-mid', year: 2024, unitId: 'u-nc-other', confirmedAt: at(25) },
          { personId: 'q-late', year: 2024, unitId: 'u-nc-county', confirmedAt: at(30) },
        ],
        nextCursor: null,
      });
    });

    it('covers a province, a city or a county by the region code', async () => {
      await confirmed('q-county', 'u-nc-county', 30);
      await confirmed('q-jj', 'u-jj', 20);
      await confirmed('q-other', 'u-nc-other', 25);
      await h.caughtUp();
      expect(await inbox({ region: '360000' })).toEqual(['q-jj', 'q-other', 'q-county']);
      expect(await inbox({ region: '360100' })).toEqual(['q-other', 'q-county']);
      expect(await inbox({ region: '360102' })).toEqual(['q-county']);
      expect(await inbox({ region: '360400' })).toEqual(['q-jj']);
      expect(await inbox({ region: '360403' })).toEqual([]);
      expect(await inbox({ region: '350000' })).toEqual([]);
    });

    it("keeps an industry authority to person-years of its field (the year's field, not the unit's industry)", async () => {
      await confirmed('q-health', 'u-nc-county', 30);
      await confirmed('q-accounting-in-clinic', 'u-nc-county', 31, 'accounting');
      await confirmed('q-accounting', 'u-nc-other', 25, 'accounting');
      await h.caughtUp();
      expect(await inbox({ region: '360000', industry: 'accounting' })).toEqual(['q-accounting', 'q-accounting-in-clinic']);
      expect(await inbox({ region: '360000', industry: 'general' })).toEqual(['q-health']);
    });

    it('leaves out open, reopened, finalised and voided years', async () => {
      const open = year('q-open');
      await open.open('u-nc-county', at(1));
      await (await confirmed('q-reopened', 'u-nc-county', 10)).reopen('late', at(11));
      const finalized = await confirmed('q-finalized', 'u-nc-county', 12);
      await finalized.finalize(at(13));
      const voided = await confirmed('q-voided', 'u-nc-county', 14);
      await voided.flag('f1', at(15));
      await confirmed('q-waiting', 'u-nc-county', 16);
      await h.caughtUp();
      expect(await inbox({ region: '360000' })).toEqual(['q-waiting']);

      await voided.rescind('f1', at(17));
      await h.caughtUp();
      expect(await inbox({ region: '360000' })).toEqual(['q-voided', 'q-waiting']);
    });

    it("judges scope on the unit's current region after a re-put", async () => {
      await confirmed('q-jj', 'u-jj', 20);
      await h.caughtUp();
      expect(await inbox({ region: '360400' })).toEqual(['q-jj']);

      await putUnit(h.events, { unitId: 'u-jj', name: 'Jiujiang School (moved)', region: '360103', industry: 'k12_education' }, at(40));
      await h.caughtUp();
      expect(await inbox({ region: '360400' })).toEqual([]);
      expect(await inbox({ region: '360100' })).toEqual(['q-jj']);
    });

    it('pages through equal confirmation instants without loss or repeat (then person, then year)', async () => {
      for (const p of ['q-c', 'q-a', 'q-b']) await confirmed(p, 'u-nc-county', 30);
      await confirmed('q-first', 'u-jj', 5);
      const nextYear = new PersonYearWriter(h.events, 'q-a', 2023);
      await nextYear.open('u-nc-county', at(1));
      await nextYear.confirm(at(30));
      await h.caughtUp();
      const byPage = await walk({ region: '360000' }, 1);
      expect(byPage).toEqual({ seen: ['q-first', 'q-a', 'q-a', 'q-b', 'q-c'], pages: 5 });
      const years = (await h.readModels.authorityPending({ region: '360000' }, { limit: 3 })).items.map((i) => i.year);
      expect(years).toEqual([2024, 2023, 2024]);
      expect(await walk({ region: '360000' }, 2)).toEqual({ seen: byPage.seen, pages: 3 });
    });

    it('refuses a cursor it did not hand out, including a real cursor of the unit inbox', async () => {
      const y = year('q-1');
      await y.open('u-nc-county', at(1));
      await y.declare('a', at(2));
      await y.declare('b', at(3));
      await h.caughtUp();
      const unitCursor = (await h.readModels.unitPending('u-nc-county', { limit: 1 })).nextCursor;
      expect(unitCursor).not.toBeNull();
      const tampered = Buffer.from(JSON.stringify(['authority-pending', at(1), 'q-1', '2024'])).toString('base64url');
      for (const cursor of ['%%%', unitCursor, tampered]) {
        await expect(h.readModels.authorityPending({ region: '360000' }, { limit: 2, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
      }
    });
  });
}
