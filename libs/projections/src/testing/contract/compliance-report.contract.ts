import { PersonYearWriter, at, putUnit } from '../projection-fixtures';
import { readModelHarness, type ReadModelHarness } from '../read-model-harness';
import type { ReadModelFactory } from './read-model-fixture';

/**
 * The compliance report (API.md): a person-year counts once in compliant, nonCompliant or voided,
 * by its current state; finalized counts the currently finalised; promotionDelays those recorded.
 */
export function complianceReportContract(factory: ReadModelFactory): void {
  describe('complianceReport', () => {
    let h: ReadModelHarness;
    const year = (personId: string, y = 2024) => new PersonYearWriter(h.events, personId, y);
    let voidedOpen: PersonYearWriter;

    beforeAll(async () => {
      h = await readModelHarness(factory);
      await putUnit(h.events, { unitId: 'u-a', name: 'Nanchang Works', region: '360102', industry: 'general' }, at(0));
      await putUnit(h.events, { unitId: 'u-b', name: 'Jiujiang Hospital', region: '360402', industry: 'health' }, at(0));
      await h.runner.start();

      const compliantOpen = year('y1');
      await compliantOpen.open('u-a', at(1));
      await compliantOpen.registerEnough(at(2));

      const short = year('y2');
      await short.open('u-a', at(1));
      await short.register('y2-r', at(2), { hours: 10 });

      const finalized = year('y3');
      await finalized.open('u-a', at(1));
      await finalized.registerEnough(at(2));
      await finalized.confirm(at(3));
      await finalized.finalize(at(4));

      voidedOpen = year('y4');
      await voidedOpen.open('u-a', at(1));
      await voidedOpen.registerEnough(at(2));
      await voidedOpen.flag('f-y4', at(3));

      const voidedFinalized = year('y5');
      await voidedFinalized.open('u-a', at(1));
      await voidedFinalized.registerEnough(at(2));
      await voidedFinalized.confirm(at(3));
      await voidedFinalized.finalize(at(4));
      await voidedFinalized.flag('f-y5', at(5));

      // Declared but never verified: the verified tier decides, so short; and a delay recorded.
      const delayed = year('y6');
      await delayed.open('u-b', at(1), 'health');
      await delayed.declare('y6-pub', at(2), { subject: 'public', hours: 30 });
      await delayed.declare('y6-pro', at(2), { subject: 'professional', hours: 60 });
      await delayed.recordPromotionDelay(at(3));

      const nextYear = year('y7', 2025);
      await nextYear.open('u-a', at(1));
      await nextYear.registerEnough(at(2));

      const accountant = year('y8');
      await accountant.open('u-a', at(1));
      await accountant.setField('accounting', at(2));

      // A unit nobody ever put: in the report by unit, in no region's.
      const orphan = year('y9');
      await orphan.open('u-unknown', at(1));
      await h.caughtUp();
    });
    afterAll(() => h.close());

    it('counts every person-year of the year in the province once', async () => {
      expect(await h.readModels.complianceReport(2024, { region: '360000' })).toEqual({
        personYears: 7, compliant: 2, nonCompliant: 3, voided: 2, finalized: 1, promotionDelays: 1,
      });
    });

    it("scopes by the unit's region: city and county", async () => {
      const nanchang = { personYears: 6, compliant: 2, nonCompliant: 2, voided: 2, finalized: 1, promotionDelays: 0 };
      expect(await h.readModels.complianceReport(2024, { region: '360100' })).toEqual(nanchang);
      expect(await h.readModels.complianceReport(2024, { region: '360102' })).toEqual(nanchang);
      expect(await h.readModels.complianceReport(2024, { region: '360400' })).toEqual({
        personYears: 1, compliant: 0, nonCompliant: 1, voided: 0, finalized: 0, promotionDelays: 1,
      });
    });

    it("scopes an industry authority by the person-year's field", async () => {
      expect(await h.readModels.complianceReport(2024, { region: '360000', industry: 'accounting' })).toEqual({
        personYears: 1, compliant: 0, nonCompliant: 1, voided: 0, finalized: 0, promotionDelays: 0,
      });
      expect(await h.readModels.complianceReport(2024, { region: '360400', industry: 'health' })).toEqual({
        personYears: 1, compliant: 0, nonCompliant: 1, voided: 0, finalized: 0, promotionDelays: 1,
      });
    });

    it('scopes by unit (with or without a field), and by year', async () => {
      expect(await h.readModels.complianceReport(2024, { unitId: 'u-a' })).toEqual({
        personYears: 6, compliant: 2, nonCompliant: 2, voided: 2, finalized: 1, promotionDelays: 0,
      });
      expect(await h.readModels.complianceReport(2024, { unitId: 'u-a', industry: 'accounting' })).toEqual({
        personYears: 1, compliant: 0, nonCompliant: 1, voided: 0, finalized: 0, promotionDelays: 0,
      });
      expect(await h.readModels.complianceReport(2025, { unitId: 'u-a' })).toEqual({
        personYears: 1, compliant: 1, nonCompliant: 0, voided: 0, finalized: 0, promotionDelays: 0,
      });
      expect(await h.readModels.complianceReport(2024, { unitId: 'u-unknown' })).toEqual({
        personYears: 1, compliant: 0, nonCompliant: 1, voided: 0, finalized: 0, promotionDelays: 0,
      });
    });

    it('answers zeros for a scope with no person-year', async () => {
      const zeros = { personYears: 0, compliant: 0, nonCompliant: 0, voided: 0, finalized: 0, promotionDelays: 0 };
      expect(await h.readModels.complianceReport(2024, { unitId: 'u-nobody' })).toEqual(zeros);
      expect(await h.readModels.complianceReport(2024, { region: '350000' })).toEqual(zeros);
      expect(await h.readModels.complianceReport(2030, { region: '360000' })).toEqual(zeros);
      expect(await h.readModels.complianceReport(2024, { unitId: 'u-b', industry: 'general' })).toEqual(zeros);
    });

    it('moves a year back from voided to compliant when its flag is rescinded', async () => {
      await voidedOpen.rescind('f-y4', at(10));
      await h.caughtUp();
      expect(await h.readModels.complianceReport(2024, { region: '360000' })).toEqual({
        personYears: 7, compliant: 3, nonCompliant: 3, voided: 1, finalized: 1, promotionDelays: 1,
      });
    });
  });
}
