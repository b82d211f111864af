import { PersonYearWriter, at, putUnit } from '../projection-fixtures';
import { readModelHarness, type ReadModelHarness } from '../read-model-harness';
import type { ReadModelFactory } from './read-model-fixture';

/**
 * The candidates of an institution-wide fraud flag (Art. 14): person-years of that year holding a
 * registration by the institution — all of them, or those holding one of the named courses.
 */
export function institutionHoldersContract(factory: ReadModelFactory): void {
  describe('institutionHolders', () => {
    let h: ReadModelHarness;
    const year = (personId: string, y = 2024) => new PersonYearWriter(h.events, personId, y);
    const holders = async (institutionId: string, y: number, courses: string[] | null, upTo?: number | null) =>
      (await h.readModels.institutionHolders(institutionId, y, courses, upTo)).map((r) => `${r.personId}+${r.year}`);
    /** The store's head once h1 registered: what an institution flag posted then would bound its candidates by. */
    let afterH1: number;

    beforeAll(async () => {
      h = await readModelHarness(factory);
      await putUnit(h.events, { unitId: 'u-a', name: 'Nanchang Works', region: '360102', industry: 'general' }, at(0));
      await h.runner.start();
      // Written out of person order: the answer is in person order whatever the writing order.
      const h6 = year('h6');
      await h6.open('u-a', at(1));
      // The authority linked the registration to a course at finalisation: the effective key counts.
      await h6.register('c9', at(2), { institutionId: 'inst-A', contentKey: null });
      await h6.confirm(at(3));
      await h6.finalize(at(4), [{ activityId: 'c9', hours: 10, contentKey: 'course-9' }]);
      const h1 = year('h1');
      await h1.open('u-a', at(1));
      await h1.register('c1', at(2), { institutionId: 'inst-A', contentKey: 'course-1' });
      await h1.register('c2', at(2), { institutionId: 'inst-A', contentKey: 'course-2' });
      afterH1 = await h.events.headPosition();
      const h2 = year('h2');
      await h2.open('u-a', at(1));
      await h2.register('c3', at(2), { institutionId: 'inst-A', contentKey: 'course-3' });
      const h3 = year('h3');
      await h3.open('u-a', at(1));
      await h3.register('c1', at(2), { institutionId: 'inst-B', contentKey: 'course-1' });
      const h4 = year('h4', 2025);
      await h4.open('u-a', at(1));
      await h4.register('c1', at(2), { institutionId: 'inst-A', contentKey: 'course-1' });
      // The professional's own declaration of the same course is no registration by the institution.
      const h5 = year('h5');
      await h5.open('u-a', at(1));
      await h5.declare('c1', at(2), { contentKey: 'course-1' });
      // A voided year still holds its registrations: FlagFraud's decider judges each candidate.
      const h7 = year('h7');
      await h7.open('u-a', at(1));
      await h7.register('c1', at(2), { institutionId: 'inst-C', contentKey: 'course-1' });
      await h7.flag('f1', at(3));
      await h.caughtUp();
    });
    afterAll(() => h.close());

    it('lists each person-year holding any registration by the institution once, in person order', async () => {
      expect(await holders('inst-A', 2024, null)).toEqual(['h1+2024', 'h2+2024', 'h6+2024']);
      expect(await holders('inst-B', 2024, null)).toEqual(['h3+2024']);
      expect(await holders('inst-C', 2024, null)).toEqual(['h7+2024']);
    });

    it('keeps to the named courses when given', async () => {
      expect(await holders('inst-A', 2024, ['course-1'])).toEqual(['h1+2024']);
      expect(await holders('inst-A', 2024, ['course-1', 'course-3'])).toEqual(['h1+2024', 'h2+2024']);
      expect(await holders('inst-A', 2024, ['course-1', 'course-2'])).toEqual(['h1+2024']);
      expect(await holders('inst-A', 2024, ['course-9'])).toEqual(['h6+2024']);
      expect(await holders('inst-A', 2024, ['course-404'])).toEqual([]);
      expect(await holders('inst-A', 2024, [])).toEqual([]);
    });

    it('keeps to the registrations at or before a global position when given (an institution flag: those held when it was posted)', async () => {
      expect(await holders('inst-A', 2024, null, afterH1)).toEqual(['h1+2024', 'h6+2024']);
      expect(await holders('inst-A', 2024, ['course-3'], afterH1)).toEqual([]);
      expect(await holders('inst-A', 2024, ['course-3'], afterH1 + 1_000_000)).toEqual(['h2+2024']);
      expect(await holders('inst-A', 2024, null, null)).toEqual(['h1+2024', 'h2+2024', 'h6+2024']);
      expect(await holders('inst-A', 2024, null, 0)).toEqual([]);
    });

    it('keeps to the year and the institution', async () => {
      expect(await holders('inst-A', 2025, null)).toEqual(['h4+2025']);
      expect(await holders('inst-Z', 2024, null)).toEqual([]);
      expect(await holders('inst-A', 2023, null)).toEqual([]);
    });
  });
}
