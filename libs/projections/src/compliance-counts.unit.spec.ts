import { countsChanges } from './compliance-counts';
import type { PersonYearRow } from './read-model.port';

const row = (extra: Partial<PersonYearRow> = {}): PersonYearRow => ({
  personId: 'p1', year: 2024, unitId: 'u1', field: 'general', status: 'open', compliant: false, finalized: false,
  promotionDelay: false, confirmedAt: null, delayDueAfter: null, revision: 0, ...extra,
});
const key = { unitId: 'u1', year: 2024, field: 'general' };
const none = { personYears: 0, compliant: 0, nonCompliant: 0, voided: 0, finalized: 0, promotionDelays: 0 };

describe('what a person-year changes in the compliance counts (API.md, Compliance report)', () => {
  it('a new person-year counts once, in compliant, nonCompliant or voided by its state', () => {
    expect(countsChanges(null, row())).toEqual([{ ...key, ...none, personYears: 1, nonCompliant: 1 }]);
    expect(countsChanges(null, row({ status: 'finalized', compliant: true, finalized: true, promotionDelay: true }))).toEqual([
      { ...key, ...none, personYears: 1, compliant: 1, finalized: 1, promotionDelays: 1 },
    ]);
    // Voided counts as voided, whatever `compliant` says (Art. 14).
    expect(countsChanges(null, row({ status: 'voided', compliant: true }))).toEqual([{ ...key, ...none, personYears: 1, voided: 1 }]);
  });

  it('nothing changes while a row keeps its key and what it counts in (a revision, a confirmation date)', () => {
    expect(countsChanges(row(), row({ revision: 7, confirmedAt: '2025-01-10T00:00:00.000Z', status: 'confirmed' }))).toEqual([]);
  });

  it('a change of state within the key moves it between the counts, the person-year count unchanged', () => {
    expect(countsChanges(row({ compliant: true }), row({ status: 'voided' }))).toEqual([{ ...key, ...none, compliant: -1, voided: 1 }]);
    expect(countsChanges(row({ status: 'finalized', finalized: true }), row({ status: 'open' }))).toEqual([{ ...key, ...none, finalized: -1 }]);
  });

  it('a move to another key (a field set by the unit) takes the whole share from the key it leaves, first', () => {
    expect(countsChanges(row({ promotionDelay: true }), row({ field: 'accounting', promotionDelay: true }))).toEqual([
      { ...key, ...none, personYears: -1, nonCompliant: -1, promotionDelays: -1 },
      { ...key, field: 'accounting', ...none, personYears: 1, nonCompliant: 1, promotionDelays: 1 },
    ]);
  });
});
