/** given/when/then for the unit's and the authority's commands (RULES.md §4, Arts. 12–15). */
import type { CreditYearEvent } from '../credit-year.events';
import { actors, ctx, declared, fold, given, opened, registered, UNIT } from '../../testing/decider-spec';
import { decideAuthorityFinalize } from './authority-finalize.decider';
import type { NeighbourYears } from './content-across-years';
import { decideSetField } from './set-field.decider';
import { decideUnitConfirm } from './unit-confirm.decider';
import { decideUnitVerify, type UnitVerifyCommand } from './unit-verify.decider';
import { decideWithdrawActivity } from './withdraw-activity.decider';

const key = { personId: 'p1', year: 2024 };
const confirmed: CreditYearEvent = { type: 'YearConfirmedByUnit', data: { note: null } };
const finalized: CreditYearEvent = { type: 'YearFinalizedByAuthority', data: { decision: 'approve', adjustments: [] } };
const flagged: CreditYearEvent = { type: 'FraudFlagged', data: { flagId: 'f1', reason: 'forged', evidence: [], institutionId: null, courses: null } };
/** A command that sets no key never asks for its neighbours: asking fails the test. */
const none: NeighbourYears = (year) => {
  throw new Error(`year ${year} was not read`);
};
/** The neighbouring years of 2024, as given. */
const years = (byYear: Record<number, readonly CreditYearEvent[]>): NeighbourYears => (year) => {
  if (!(year in byYear)) throw new Error(`year ${year} was not read`);
  return fold(byYear[year]!);
};
const verify = (over: Partial<UnitVerifyCommand> = {}): UnitVerifyCommand => ({ ...key, activityId: 'a1', decision: 'approve', hours: null, reason: null, contentKey: null, ...over });

describe('WithdrawActivity', () => {
  it('the professional withdraws a declared activity', () => {
    given([opened(), declared('a1')]).when((s) => decideWithdrawActivity({ ...key, activityId: 'a1' }, s, ctx(actors.pro))).then([{ type: 'ActivityWithdrawn', data: { activityId: 'a1' } }]);
  });
  it('a verified activity can no longer be withdrawn (ACTIVITY_NOT_DECLARED); a repeat is refused too', () => {
    given([opened(), registered('a1')]).when((s) => decideWithdrawActivity({ ...key, activityId: 'a1' }, s, ctx(actors.pro))).thenRefuses('ACTIVITY_NOT_DECLARED', 'conflict');
    given([opened(), declared('a1'), { type: 'ActivityWithdrawn', data: { activityId: 'a1' } }]).when((s) => decideWithdrawActivity({ ...key, activityId: 'a1' }, s, ctx(actors.pro))).thenRefuses('ACTIVITY_NOT_DECLARED');
  });
  it('a professional whose token names another unit is UNIT_MISMATCH (the year\'s unit is fixed when it opens)', () => {
    given([opened(), declared('a1')]).when((s) => decideWithdrawActivity({ ...key, activityId: 'a1' }, s, ctx({ ...actors.pro, unitId: 'u2' }))).thenRefuses('UNIT_MISMATCH', 'conflict');
  });
  it('an unknown person-year or activity is 404', () => {
    given([]).when((s) => decideWithdrawActivity({ ...key, activityId: 'a1' }, s, ctx(actors.pro))).thenRefuses('PERSON_YEAR_NOT_FOUND', 'not_found');
    given([opened()]).when((s) => decideWithdrawActivity({ ...key, activityId: 'zz' }, s, ctx(actors.pro))).thenRefuses('ACTIVITY_NOT_FOUND', 'not_found');
  });
});

describe('UnitVerify (核定)', () => {
  it('approves at the claimed hours', () => {
    given([opened(), declared('a1')]).when((s) => decideUnitVerify(verify(), s, UNIT, ctx(actors.unit), none)).then([{ type: 'ActivityVerifiedByUnit', data: { activityId: 'a1', hours: 10, reason: null, contentKey: null } }]);
  });
  it('approves with fewer hours and a contentKey linking activities (Art. 11)', () => {
    given([opened(), declared('a1')]).when((s) => decideUnitVerify(verify({ hours: 8.5, reason: 'partly attended', contentKey: 'K' }), s, UNIT, ctx(actors.unit), years({ 2023: [], 2025: [] }))).then([{ type: 'ActivityVerifiedByUnit', data: { activityId: 'a1', hours: 8.5, reason: 'partly attended', contentKey: 'K' } }]);
  });
  it('rejects with a reason', () => {
    given([opened(), declared('a1')]).when((s) => decideUnitVerify(verify({ decision: 'reject', reason: 'not in field' }), s, UNIT, ctx(actors.unit), none)).then([{ type: 'ActivityRejectedByUnit', data: { activityId: 'a1', reason: 'not in field', contentKey: null } }]);
  });
  it('never more than claimed (HOURS_ABOVE_CLAIMED)', () => {
    given([opened(), declared('a1')]).when((s) => decideUnitVerify(verify({ hours: 10.01, reason: 'x' }), s, UNIT, ctx(actors.unit), none)).thenRefuses('HOURS_ABOVE_CLAIMED', 'unprocessable');
  });
  it('a second verification is ACTIVITY_NOT_DECLARED (a repeat changes nothing)', () => {
    given([opened(), declared('a1'), { type: 'ActivityVerifiedByUnit', data: { activityId: 'a1', hours: 10, reason: null, contentKey: null } }]).when((s) => decideUnitVerify(verify(), s, UNIT, ctx(actors.unit), none)).thenRefuses('ACTIVITY_NOT_DECLARED', 'conflict');
  });
  it('another unit is out of scope (403)', () => {
    given([opened(), declared('a1')]).when((s) => decideUnitVerify(verify(), s, UNIT, ctx(actors.otherUnit), none)).thenRefuses('OUT_OF_SCOPE', 'forbidden');
  });
  it('Art. 14: a voided year is YEAR_VOIDED', () => {
    given([opened(), declared('a1'), flagged]).when((s) => decideUnitVerify(verify(), s, UNIT, ctx(actors.unit), none)).thenRefuses('YEAR_VOIDED', 'conflict');
  });
});

describe('Art. 13: a key the unit or the authority sets links content that counts in one year only', () => {
  const makeUp = declared('a1', { completedOn: '2025-02-01', makeUp: true });
  const nextYearHolds = (over = {}) => ({ 2023: [], 2025: [opened('p1', 2025), declared('r1', { completedOn: '2025-02-01', contentKey: 'K', ...over })] });
  const previousYearHolds = { 2023: [opened('p1', 2023), declared('m0', { completedOn: '2024-02-01', contentKey: 'K', makeUp: true })], 2025: [] };
  it('approving a make-up activity under a key the following year counts is CONTENT_ALREADY_COUNTED', () => {
    given([opened(), makeUp]).when((s) => decideUnitVerify(verify({ contentKey: 'K' }), s, UNIT, ctx(actors.unit, '2025-03-01T00:00:00.000Z'), years(nextYearHolds()))).thenRefuses('CONTENT_ALREADY_COUNTED', 'conflict');
  });
  it("approving a regular activity under a key the previous year's make-up counts is CONTENT_ALREADY_COUNTED", () => {
    given([opened(), declared('a1')]).when((s) => decideUnitVerify(verify({ contentKey: 'K' }), s, UNIT, ctx(actors.unit), years(previousYearHolds))).thenRefuses('CONTENT_ALREADY_COUNTED', 'conflict');
  });
  it('a regular activity counts nothing next door but the previous year\'s make-up: neither a regular activity of the previous year nor any of the next', () => {
    const regularBefore = { 2023: [opened('p1', 2023), declared('m0', { completedOn: '2023-02-01', contentKey: 'K' })], 2025: [] };
    given([opened(), declared('a1')]).when((s) => decideUnitVerify(verify({ contentKey: 'K' }), s, UNIT, ctx(actors.unit), years(regularBefore))).then([{ type: 'ActivityVerifiedByUnit', data: { activityId: 'a1', hours: 10, reason: null, contentKey: 'K' } }]);
    const nextHoldsBoth = { 2023: [], 2025: [opened('p1', 2025), declared('r1', { completedOn: '2025-02-01', contentKey: 'K' }), declared('m1', { completedOn: '2026-02-01', contentKey: 'K', makeUp: true })] };
    given([opened(), declared('a1')]).when((s) => decideUnitVerify(verify({ contentKey: 'K' }), s, UNIT, ctx(actors.unit), years(nextHoldsBoth))).then([{ type: 'ActivityVerifiedByUnit', data: { activityId: 'a1', hours: 10, reason: null, contentKey: 'K' } }]);
  });
  it("approving a make-up activity under a key the following year's own make-up counts is CONTENT_ALREADY_COUNTED", () => {
    const nextMakeUp = { 2023: [], 2025: [opened('p1', 2025), declared('m1', { completedOn: '2026-02-01', contentKey: 'K', makeUp: true })] };
    given([opened(), makeUp]).when((s) => decideUnitVerify(verify({ contentKey: 'K' }), s, UNIT, ctx(actors.unit, '2025-03-01T00:00:00.000Z'), years(nextMakeUp))).thenRefuses('CONTENT_ALREADY_COUNTED', 'conflict');
  });
  it("approving a make-up activity under a key the previous year's make-up counts is CONTENT_ALREADY_COUNTED", () => {
    given([opened(), makeUp]).when((s) => decideUnitVerify(verify({ contentKey: 'K' }), s, UNIT, ctx(actors.unit, '2025-03-01T00:00:00.000Z'), years(previousYearHolds))).thenRefuses('CONTENT_ALREADY_COUNTED', 'conflict');
  });
  it('content next door that no longer counts (withdrawn) does not refuse the key', () => {
    const withdrawn = { 2023: [], 2025: [...nextYearHolds()[2025], { type: 'ActivityWithdrawn', data: { activityId: 'r1' } } as CreditYearEvent] };
    given([opened(), makeUp]).when((s) => decideUnitVerify(verify({ contentKey: 'K' }), s, UNIT, ctx(actors.unit, '2025-03-01T00:00:00.000Z'), years(withdrawn))).then([{ type: 'ActivityVerifiedByUnit', data: { activityId: 'a1', hours: 10, reason: null, contentKey: 'K' } }]);
  });
  it('a rejection with a key counts nowhere, so it is not checked', () => {
    given([opened(), makeUp]).when((s) => decideUnitVerify(verify({ decision: 'reject', reason: 'repeat', contentKey: 'K' }), s, UNIT, ctx(actors.unit, '2025-03-01T00:00:00.000Z'), none)).then([{ type: 'ActivityRejectedByUnit', data: { activityId: 'a1', reason: 'repeat', contentKey: 'K' } }]);
  });
  it("an authority's key on a regular activity that the previous year's make-up counts is CONTENT_ALREADY_COUNTED", () => {
    const adjust = { ...key, adjustments: [{ activityId: 'a1', hours: 5, reason: 'same course', contentKey: 'K' }] };
    given([opened(), registered('a1'), confirmed]).when((s) => decideAuthorityFinalize(adjust, s, UNIT, ctx(actors.hr), years(previousYearHolds))).thenRefuses('CONTENT_ALREADY_COUNTED', 'conflict');
  });
  it('adjusting back above 0 an activity a finalisation set to 0 brings its own content back: refused when the next year counts it meanwhile', () => {
    const verifiedMakeUp = registered('a1', { completedOn: '2025-02-01', makeUp: true, contentKey: 'K' });
    const toZero: CreditYearEvent = { type: 'YearFinalizedByAuthority', data: { decision: 'approve', adjustments: [{ activityId: 'a1', hours: 0, reason: 'repeat', contentKey: null }] } };
    const reconfirmed: CreditYearEvent[] = [{ type: 'YearReopened', data: { activityId: 'a2', makeUp: true } }, confirmed];
    const back = { ...key, adjustments: [{ activityId: 'a1', hours: 5, reason: 'second look', contentKey: null }] };
    const later = ctx(actors.hr, '2025-06-01T00:00:00.000Z');
    given([opened(), verifiedMakeUp, confirmed, toZero, ...reconfirmed]).when((s) => decideAuthorityFinalize(back, s, UNIT, later, years(nextYearHolds()))).thenRefuses('CONTENT_ALREADY_COUNTED', 'conflict');
    given([opened(), verifiedMakeUp, confirmed, toZero, ...reconfirmed]).when((s) => decideAuthorityFinalize(back, s, UNIT, later, years({ 2023: [], 2025: [] }))).then([{ type: 'YearFinalizedByAuthority', data: { decision: 'approve', adjustments: back.adjustments } }]);
  });
  it('8(8): bringing back above 0 a points activity a finalisation set to 0, while another was declared meanwhile, is POINTS_ALREADY_DECLARED; swapping the two in one finalisation passes', () => {
    const points = (id: string, completedOn: string): CreditYearEvent[] => [
      declared(id, { category: '8.8', subject: 'public', measure: { points: 12_000 }, hours: 12, completedOn }),
      { type: 'ActivityVerifiedByUnit', data: { activityId: id, hours: 12, reason: null, contentKey: null } },
    ];
    const toZero: CreditYearEvent = { type: 'YearFinalizedByAuthority', data: { decision: 'approve', adjustments: [{ activityId: 'g1', hours: 0, reason: 'forged', contentKey: null }] } };
    const history = [opened(), ...points('g1', '2024-03-01'), confirmed, toZero, { type: 'YearReopened', data: { activityId: 'g2', makeUp: false } } as CreditYearEvent, ...points('g2', '2024-04-01'), confirmed];
    const finalize = (adjustments: Array<{ activityId: string; hours: number }>) => ({ ...key, adjustments: adjustments.map((a) => ({ ...a, reason: 're-review', contentKey: null })) });
    const at = ctx(actors.hr, '2024-06-01T00:00:00.000Z');
    given(history).when((s) => decideAuthorityFinalize(finalize([{ activityId: 'g1', hours: 12 }]), s, UNIT, at, years({ 2023: [], 2025: [] }))).thenRefuses('POINTS_ALREADY_DECLARED', 'conflict');
    const swap = finalize([
      { activityId: 'g1', hours: 12 },
      { activityId: 'g2', hours: 0 },
    ]);
    given(history).when((s) => decideAuthorityFinalize(swap, s, UNIT, at, years({ 2023: [], 2025: [] }))).then([{ type: 'YearFinalizedByAuthority', data: { decision: 'approve', adjustments: swap.adjustments } }]);
    // Adjusting the one active points activity, or none, is no second one.
    given(history).when((s) => decideAuthorityFinalize(finalize([{ activityId: 'g2', hours: 10 }]), s, UNIT, at, none)).then([{ type: 'YearFinalizedByAuthority', data: { decision: 'approve', adjustments: finalize([{ activityId: 'g2', hours: 10 }]).adjustments } }]);
  });
  it("an authority's adjustment under a key the following year counts is CONTENT_ALREADY_COUNTED; to 0 it counts nowhere and passes", () => {
    const verifiedMakeUp = registered('a1', { completedOn: '2025-02-01', makeUp: true });
    const adjust = (hours: number) => ({ ...key, adjustments: [{ activityId: 'a1', hours, reason: 'same course', contentKey: 'K' }] });
    given([opened(), verifiedMakeUp, confirmed]).when((s) => decideAuthorityFinalize(adjust(5), s, UNIT, ctx(actors.hr, '2025-03-01T00:00:00.000Z'), years(nextYearHolds()))).thenRefuses('CONTENT_ALREADY_COUNTED', 'conflict');
    given([opened(), verifiedMakeUp, confirmed]).when((s) => decideAuthorityFinalize(adjust(0), s, UNIT, ctx(actors.hr, '2025-03-01T00:00:00.000Z'), none)).then([{ type: 'YearFinalizedByAuthority', data: { decision: 'approve', adjustments: [{ activityId: 'a1', hours: 0, reason: 'same course', contentKey: 'K' }] } }]);
  });
});

describe('SetField (Art. 15)', () => {
  it('the unit sets the field while the year is open', () => {
    given([opened()]).when((s) => decideSetField({ ...key, field: 'accounting' }, s, UNIT, ctx(actors.unit))).then([{ type: 'FieldSet', data: { field: 'accounting' } }]);
  });
  it('the same field again changes nothing', () => {
    given([opened()]).when((s) => decideSetField({ ...key, field: 'general' }, s, UNIT, ctx(actors.unit))).thenNothing();
  });
  it('a person-year takes at most 100 field changes (TOO_MANY_CHANGES); the field it has, asked again, is still answered', () => {
    const toggles: CreditYearEvent[] = Array.from({ length: 100 }, (_, i) => ({ type: 'FieldSet', data: { field: i % 2 === 0 ? 'health' : 'general' } }));
    given([opened(), ...toggles.slice(0, 99)]).when((s) => decideSetField({ ...key, field: 'general' }, s, UNIT, ctx(actors.unit))).then([{ type: 'FieldSet', data: { field: 'general' } }]);
    given([opened(), ...toggles]).when((s) => decideSetField({ ...key, field: 'health' }, s, UNIT, ctx(actors.unit))).thenRefuses('TOO_MANY_CHANGES', 'conflict');
    given([opened(), ...toggles]).when((s) => decideSetField({ ...key, field: 'general' }, s, UNIT, ctx(actors.unit))).thenNothing();
  });
  it('another unit is out of scope (403)', () => {
    given([opened()]).when((s) => decideSetField({ ...key, field: 'accounting' }, s, UNIT, ctx(actors.otherUnit))).thenRefuses('OUT_OF_SCOPE', 'forbidden');
  });
  it('a confirmed year is YEAR_NOT_OPEN', () => {
    given([opened(), confirmed]).when((s) => decideSetField({ ...key, field: 'health' }, s, UNIT, ctx(actors.unit))).thenRefuses('YEAR_NOT_OPEN', 'conflict');
  });
  it('a finalised year keeps the field it was finalised under: YEAR_FINALIZED, as every other write a finalised year refuses', () => {
    given([opened(), registered('a1'), confirmed, finalized]).when((s) => decideSetField({ ...key, field: 'health' }, s, UNIT, ctx(actors.unit))).thenRefuses('YEAR_FINALIZED', 'conflict');
  });
  it('a year reopened after its finalisation (by a later declaration) keeps the field it was finalised under: YEAR_FINALIZED', () => {
    const reopened: CreditYearEvent = { type: 'YearReopened', data: { activityId: 'a2', makeUp: true } };
    given([opened(), registered('a1'), confirmed, finalized, declared('a2'), reopened])
      .when((s) => decideSetField({ ...key, field: 'health' }, s, UNIT, ctx(actors.unit)))
      .thenRefuses('YEAR_FINALIZED', 'conflict');
  });
  it('a year reopened before any finalisation takes a new field', () => {
    const reopened: CreditYearEvent = { type: 'YearReopened', data: { activityId: 'a2', makeUp: false } };
    given([opened(), registered('a1'), confirmed, declared('a2'), reopened])
      .when((s) => decideSetField({ ...key, field: 'health' }, s, UNIT, ctx(actors.unit)))
      .then([{ type: 'FieldSet', data: { field: 'health' } }]);
  });
});

describe('UnitConfirm (Art. 12 ¶1)', () => {
  it('confirms once nothing awaits verification', () => {
    given([opened(), registered('a1')]).when((s) => decideUnitConfirm({ ...key, note: null }, s, UNIT, ctx(actors.unit))).then([confirmed]);
  });
  it('refuses while a declaration awaits verification (PENDING_VERIFICATION)', () => {
    given([opened(), declared('a1')]).when((s) => decideUnitConfirm({ ...key, note: null }, s, UNIT, ctx(actors.unit))).thenRefuses('PENDING_VERIFICATION', 'conflict');
  });
  it('a repeat on a confirmed year changes nothing', () => {
    given([opened(), confirmed]).when((s) => decideUnitConfirm({ ...key, note: null }, s, UNIT, ctx(actors.unit))).thenNothing();
  });
  it('another unit is out of scope (403)', () => {
    given([opened(), registered('a1')]).when((s) => decideUnitConfirm({ ...key, note: null }, s, UNIT, ctx(actors.otherUnit))).thenRefuses('OUT_OF_SCOPE', 'forbidden');
  });
  it('a finalised year is YEAR_FINALIZED', () => {
    given([opened(), confirmed, finalized]).when((s) => decideUnitConfirm({ ...key, note: null }, s, UNIT, ctx(actors.unit))).thenRefuses('YEAR_FINALIZED', 'conflict');
  });
});

describe('AuthorityFinalize (终审, Art. 12 ¶3)', () => {
  const adjust = (hours: number, activityId = 'a1') => ({ ...key, adjustments: [{ activityId, hours, reason: 'review', contentKey: null }] });
  it('finalises a confirmed year with adjustments', () => {
    given([opened(), registered('a1'), confirmed]).when((s) => decideAuthorityFinalize(adjust(5), s, UNIT, ctx(actors.city), none)).then([{ type: 'YearFinalizedByAuthority', data: { decision: 'approve', adjustments: [{ activityId: 'a1', hours: 5, reason: 'review', contentKey: null }] } }]);
  });
  it('an open year is NOT_CONFIRMED; finalising twice is NOT_CONFIRMED too', () => {
    given([opened(), registered('a1')]).when((s) => decideAuthorityFinalize(adjust(5), s, UNIT, ctx(actors.hr), none)).thenRefuses('NOT_CONFIRMED', 'conflict');
    given([opened(), registered('a1'), confirmed, finalized]).when((s) => decideAuthorityFinalize(adjust(5), s, UNIT, ctx(actors.hr), none)).thenRefuses('NOT_CONFIRMED', 'conflict');
  });
  it('never above the verified hours (HOURS_ABOVE_VERIFIED)', () => {
    given([opened(), registered('a1'), confirmed]).when((s) => decideAuthorityFinalize(adjust(10.5), s, UNIT, ctx(actors.hr), none)).thenRefuses('HOURS_ABOVE_VERIFIED', 'unprocessable');
  });
  it('only verified activities can be adjusted (ACTIVITY_NOT_VERIFIED)', () => {
    const rejected: CreditYearEvent = { type: 'ActivityRejectedByUnit', data: { activityId: 'a1', reason: 'x', contentKey: null } };
    given([opened(), declared('a1'), rejected, confirmed]).when((s) => decideAuthorityFinalize(adjust(0), s, UNIT, ctx(actors.hr), none)).thenRefuses('ACTIVITY_NOT_VERIFIED', 'conflict');
  });
  it('an authority of another city, or an industry authority of another field, is out of scope', () => {
    given([opened(), registered('a1'), confirmed]).when((s) => decideAuthorityFinalize(adjust(5), s, UNIT, ctx(actors.otherCity), none)).thenRefuses('OUT_OF_SCOPE', 'forbidden');
    given([opened(), registered('a1'), confirmed]).when((s) => decideAuthorityFinalize(adjust(5), s, UNIT, ctx(actors.health), none)).thenRefuses('OUT_OF_SCOPE', 'forbidden');
  });
  it('an unknown activity in the adjustments is ACTIVITY_NOT_FOUND (404 before 409)', () => {
    given([opened(), registered('a1')]).when((s) => decideAuthorityFinalize(adjust(5, 'zz'), s, UNIT, ctx(actors.hr), none)).thenRefuses('ACTIVITY_NOT_FOUND', 'not_found');
  });
});
