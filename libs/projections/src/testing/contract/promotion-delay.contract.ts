import { PersonYearWriter, at, putUnit } from '../projection-fixtures';
import { readModelHarness, type ReadModelHarness } from '../read-model-harness';
import type { ReadModelFactory } from './read-model-fixture';
import type { PromotionDelayCandidate } from '../../read-model.port';

/**
 * The promotion-delay sweep's candidates (Art. 13): short years whose make-up period (to the end
 * of the following year) ended before today, with no legitimate reason and no delay recorded yet;
 * oldest period end first, then person and year.
 */
export function promotionDelayContract(factory: ReadModelFactory): void {
  describe('promotionDelayCandidates', () => {
    let h: ReadModelHarness;
    const year = (personId: string, y = 2024) => new PersonYearWriter(h.events, personId, y);
    const candidates = async (today: string, limit = 100) =>
      (await h.readModels.promotionDelayCandidates(today, limit)).map((r) => `${r.personId}+${r.year}`);
    let voided: PersonYearWriter;
    let shortB: PersonYearWriter;

    async function open(personId: string, y = 2024): Promise<PersonYearWriter> {
      const w = year(personId, y);
      await w.open('u-a', at(1));
      return w;
    }

    beforeAll(async () => {
      h = await readModelHarness(factory);
      await putUnit(h.events, { unitId: 'u-a', name: 'Nanchang Works', region: '360102', industry: 'general' }, at(0));
      await h.runner.start();
      // Opened out of order: the answer's order is the period end's, then the person's.
      shortB = year('d-b');
      await shortB.open('u-a', at(1));
      const shortA = year('d-a');
      await shortA.open('u-a', at(1));
      await shortA.register('a-r', at(2), { hours: 10 });
      await open('d-2025', 2025);
      await open('d-2023', 2023);
      const finalizedShort = await open('d-c');
      await finalizedShort.confirm(at(2));
      await finalizedShort.finalize(at(3));

      const compliant = await open('n-compliant');
      await compliant.registerEnough(at(2));
      await (await open('n-delayed')).recordPromotionDelay(at(2));
      await (await open('n-excused')).grantMakeUp('illness', '2026-03-31', at(2));
      voided = await open('n-voided');
      await voided.flag('f1', at(2));
      await h.caughtUp();
    });
    afterAll(() => h.close());

    it('lists only years whose make-up period ended before today (the last day itself is not past)', async () => {
      expect(await candidates('2024-12-31')).toEqual([]);
      expect(await candidates('2025-01-01')).toEqual(['d-2023+2023']);
      expect(await candidates('2026-01-01')).toEqual(['d-2023+2023', 'd-a+2024', 'd-b+2024', 'd-c+2024']);
      expect(await candidates('2027-01-01')).toEqual(['d-2023+2023', 'd-a+2024', 'd-b+2024', 'd-c+2024', 'd-2025+2025']);
    });

    it('answers at most `limit`, from the oldest', async () => {
      expect(await candidates('2027-01-01', 2)).toEqual(['d-2023+2023', 'd-a+2024']);
      expect(await candidates('2027-01-01', 0)).toEqual([]);
    });

    it('answers the page after a candidate, by period end, then person and year', async () => {
      const first = await h.readModels.promotionDelayCandidates('2027-01-01', 2);
      expect(first[1]).toEqual({ personId: 'd-a', year: 2024, delayDueAfter: '2025-12-31' });
      const page = async (after: PromotionDelayCandidate, limit = 100) =>
        (await h.readModels.promotionDelayCandidates('2027-01-01', limit, after)).map((r) => `${r.personId}+${r.year}`);
      expect(await page(first[1]!, 2)).toEqual(['d-b+2024', 'd-c+2024']);
      // The key, not the row: a person after d-a in the same period, then the later periods.
      expect(await page({ personId: 'd-a', year: 2025, delayDueAfter: '2025-12-31' })).toEqual(['d-b+2024', 'd-c+2024', 'd-2025+2025']);
      expect(await page({ personId: 'd-2025', year: 2025, delayDueAfter: '2026-12-31' })).toEqual([]);
    });

    it('leaves out compliant, excused, delayed and voided years, until they are due again', async () => {
      expect((await candidates('2030-01-01')).filter((c) => c.startsWith('n-'))).toEqual([]);
      await voided.rescind('f1', at(5));
      await shortB.recordPromotionDelay(at(5));
      await h.caughtUp();
      expect(await candidates('2026-01-01')).toEqual(['d-2023+2023', 'd-a+2024', 'd-c+2024', 'n-voided+2024']);
    });
  });
}
