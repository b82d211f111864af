import { actors, ctx, declared, given, opened, registered, UNIT, fold } from '../../testing/decider-spec';
import { DomainError } from '../../shared/domain-error';
import type { CreditYearState } from '../credit-year.state';
import { contentYearsOfStored, type NeighbourYears } from './content-across-years';
import { decideDeclareActivity, MAX_ACTIVITIES_PER_YEAR, neighbourYearsOf, type DeclareActivityCommand } from './declare-activity.decider';

/** Neighbouring person-years never written to (every year read answers nothing). */
const none: NeighbourYears = () => null;
/** The neighbouring years read for the decision, as given; asking for another fails the test. */
const years = (byYear: Record<number, CreditYearState | null>): NeighbourYears => (year) => {
  if (!(year in byYear)) throw new Error(`year ${year} was not read`);
  return byYear[year]!;
};

const cmd = (overrides: Partial<DeclareActivityCommand['activity']> = {}, unitId = 'u1'): DeclareActivityCommand => ({
  personId: 'p1',
  year: 2024,
  unitId,
  activity: { activityId: 'a1', category: '8.1', subject: 'public', title: 'Course', completedOn: '2024-05-06', measure: { hours: 10 }, contentKey: null, evidence: [{ name: 'c.pdf', sha256: 'a'.repeat(64) }], ...overrides },
  requestDigest: 'digest-a1',
});

describe('DeclareActivity', () => {
  it('the first command opens the person-year with the unit industry as its field', () => {
    given([]).when((s) => decideDeclareActivity(cmd(), s, UNIT, none, ctx(actors.pro))).then([opened(), declared('a1')]);
  });

  it('Art. 12 ¶1: an institution registration is verified on registration', () => {
    const decision = given([opened()]).when((s) => decideDeclareActivity(cmd(), s, UNIT, none, ctx(actors.institution))).result();
    expect(decision.events[0]!.type).toBe('ActivityRegistered');
    expect(decision.result).toEqual({ activityId: 'a1', status: 'verified', hours: 10, revision: null });
  });

  it('a repeat of the same body by the same actor changes nothing and answers the first revision', () => {
    const decision = given([opened(), declared('a1')]).when((s) => decideDeclareActivity(cmd(), s, UNIT, none, ctx(actors.pro))).result();
    expect(decision.events).toEqual([]);
    expect(decision.result).toEqual({ activityId: 'a1', status: 'declared', hours: 10, revision: 1 });
  });

  it(`a person-year takes at most ${MAX_ACTIVITIES_PER_YEAR} activities, withdrawn ones included: one more is TOO_MANY_ACTIVITIES; a repeat is still answered`, () => {
    const withdrawn = { type: 'ActivityWithdrawn' as const, data: { activityId: 'x0' } };
    const almost = [opened(), ...Array.from({ length: MAX_ACTIVITIES_PER_YEAR - 1 }, (_, i) => declared(`x${i}`)), withdrawn];
    given(almost).when((s) => decideDeclareActivity(cmd({ activityId: 'last' }), s, UNIT, none, ctx(actors.pro))).then([declared('last', { requestDigest: 'digest-a1' })]);
    const full = [...almost, declared('last', { requestDigest: 'digest-a1' })];
    given(full).when((s) => decideDeclareActivity(cmd({ activityId: 'one-more' }), s, UNIT, none, ctx(actors.pro))).thenRefuses('TOO_MANY_ACTIVITIES', 'conflict');
    expect(given(full).when((s) => decideDeclareActivity(cmd({ activityId: 'last' }), s, UNIT, none, ctx(actors.pro))).result().events).toEqual([]);
  });

  it('a retry is answered as the first time even once the year was voided (it asks nothing new)', () => {
    const flag = { type: 'FraudFlagged' as const, data: { flagId: 'f1', reason: 'forged', evidence: [], institutionId: null, courses: null } };
    const decision = given([opened(), declared('a1'), flag]).when((s) => decideDeclareActivity(cmd(), s, UNIT, none, ctx(actors.pro))).result();
    expect(decision.events).toEqual([]);
    expect(decision.result).toMatchObject({ activityId: 'a1', revision: 1 });
  });

  it('the same activityId by another actor, even with the same body, is ACTIVITY_ID_REUSED', () => {
    given([opened(), declared('a1')]).when((s) => decideDeclareActivity(cmd(), s, UNIT, none, ctx({ ...actors.pro, sub: 'someone-else' }))).thenRefuses('ACTIVITY_ID_REUSED', 'conflict');
  });

  it('the same activityId and body from the same sub in another role is ACTIVITY_ID_REUSED (the actor is sub and role)', () => {
    const institutionBody = cmd({ category: '8.1' });
    const firstByInstitution = given([opened()]).when((s) => decideDeclareActivity(institutionBody, s, UNIT, none, ctx(actors.institution))).result();
    given([opened(), ...firstByInstitution.events])
      .when((s) => decideDeclareActivity(institutionBody, s, UNIT, none, ctx({ ...actors.unit, sub: actors.institution.sub })))
      .thenRefuses('ACTIVITY_ID_REUSED', 'conflict');
  });

  it('the same sub and role acting for another organisation is not a repeat: another institution is ACTIVITY_ID_REUSED, another unit UNIT_MISMATCH', () => {
    const body = cmd({ category: '8.1' });
    const byInstitution = given([opened()]).when((s) => decideDeclareActivity(body, s, UNIT, none, ctx(actors.institution))).result();
    given([opened(), ...byInstitution.events])
      .when((s) => decideDeclareActivity(body, s, UNIT, none, ctx({ ...actors.institution, institutionId: 'inst2' })))
      .thenRefuses('ACTIVITY_ID_REUSED', 'conflict');
    const unitBody = cmd({ category: '8.3', subject: 'professional' });
    const byUnit = given([opened()]).when((s) => decideDeclareActivity(unitBody, s, UNIT, none, ctx(actors.unit))).result();
    expect(byUnit.events.map((e) => e.type)).toEqual(['ActivityRegistered']);
    given([opened(), ...byUnit.events])
      .when((s) => decideDeclareActivity(cmd({ category: '8.3', subject: 'professional' }, 'u2'), s, { ...UNIT, unitId: 'u2' }, none, ctx({ ...actors.unit, unitId: 'u2' })))
      .thenRefuses('UNIT_MISMATCH', 'conflict');
    // The same organisation's repeat is still answered as the first time.
    expect(given([opened(), ...byUnit.events]).when((s) => decideDeclareActivity(unitBody, s, UNIT, none, ctx(actors.unit))).result().events).toEqual([]);
    expect(given([opened(), ...byInstitution.events]).when((s) => decideDeclareActivity(body, s, UNIT, none, ctx(actors.institution))).result().events).toEqual([]);
  });

  it('the same activityId with another body is ACTIVITY_ID_REUSED', () => {
    given([opened(), declared('a1', { requestDigest: 'other' })]).when((s) => decideDeclareActivity(cmd(), s, UNIT, none, ctx(actors.pro))).thenRefuses('ACTIVITY_ID_REUSED', 'conflict');
  });

  it('an unregistered unit is UNIT_NOT_FOUND', () => {
    given([]).when((s) => decideDeclareActivity(cmd(), s, null, none, ctx(actors.pro))).thenRefuses('UNIT_NOT_FOUND', 'not_found');
  });

  it('RULES §4: another unit than the one the year was opened with is UNIT_MISMATCH', () => {
    given([opened()]).when((s) => decideDeclareActivity(cmd({}, 'u2'), s, { ...UNIT, unitId: 'u2' }, none, ctx(actors.pro))).thenRefuses('UNIT_MISMATCH', 'conflict');
  });

  it('Art. 14: a voided year takes no declaration (YEAR_VOIDED)', () => {
    const flag = { type: 'FraudFlagged' as const, data: { flagId: 'f1', reason: 'forged', evidence: [], institutionId: null, courses: null } };
    given([opened(), flag]).when((s) => decideDeclareActivity(cmd(), s, UNIT, none, ctx(actors.pro))).thenRefuses('YEAR_VOIDED', 'conflict');
  });

  it('Art. 11: completedOn before the year is OUTSIDE_YEAR', () => {
    given([opened()]).when((s) => decideDeclareActivity(cmd({ completedOn: '2023-12-31' }), s, UNIT, none, ctx(actors.pro))).thenRefuses('OUTSIDE_YEAR', 'unprocessable');
  });

  it('RULES §4: completedOn later than today (China time) is COMPLETED_IN_FUTURE', () => {
    // 2024-06-01T16:30Z is already 2024-06-02 in China: the 2nd is today, the 3rd is the future.
    given([opened()]).when((s) => decideDeclareActivity(cmd({ completedOn: '2024-06-02' }), s, UNIT, none, ctx(actors.pro, '2024-06-01T16:30:00.000Z'))).then([declared('a1', { completedOn: '2024-06-02' })]);
    given([opened()]).when((s) => decideDeclareActivity(cmd({ completedOn: '2024-06-03' }), s, UNIT, none, ctx(actors.pro, '2024-06-01T16:30:00.000Z'))).thenRefuses('COMPLETED_IN_FUTURE', 'unprocessable');
  });

  it('RULES §4: after the closing date a declaration of the year is YEAR_CLOSED', () => {
    given([opened()]).when((s) => decideDeclareActivity(cmd(), s, UNIT, none, ctx(actors.pro, '2025-03-31T15:59:59.999Z'))).then([declared('a1')]);
    given([opened()]).when((s) => decideDeclareActivity(cmd(), s, UNIT, none, ctx(actors.pro, '2025-03-31T16:00:00.000Z'))).thenRefuses('YEAR_CLOSED', 'conflict');
  });

  it('Art. 13: a make-up activity (completed in the following year) is taken while the year is short', () => {
    const decision = given([opened()]).when((s) => decideDeclareActivity(cmd({ completedOn: '2025-05-01' }), s, UNIT, none, ctx(actors.pro, '2025-06-01T00:00:00.000Z'))).result();
    expect((decision.events[0]!.data as { makeUp: boolean }).makeUp).toBe(true);
  });

  it('Art. 13: a make-up activity reopens a finalised year', () => {
    const events = [opened(), { type: 'YearConfirmedByUnit' as const, data: { note: null } }, { type: 'YearFinalizedByAuthority' as const, data: { decision: 'approve' as const, adjustments: [] } }];
    const decision = given(events).when((s) => decideDeclareActivity(cmd({ completedOn: '2025-05-01' }), s, UNIT, none, ctx(actors.pro, '2025-06-01T00:00:00.000Z'))).result();
    expect(decision.events.map((e) => e.type)).toEqual(['YearReopened', 'ActivityDeclared']);
  });

  it('a finalised year takes no regular declaration (YEAR_FINALIZED)', () => {
    const events = [opened(), { type: 'YearConfirmedByUnit' as const, data: { note: null } }, { type: 'YearFinalizedByAuthority' as const, data: { decision: 'approve' as const, adjustments: [] } }];
    given(events).when((s) => decideDeclareActivity(cmd(), s, UNIT, none, ctx(actors.pro))).thenRefuses('YEAR_FINALIZED', 'conflict');
  });

  describe('Art. 13: a year that is not short has no make-up period', () => {
    const full = [opened(), registered('pub', { hours: 30, measure: { hours: 30 } }), registered('pro', { subject: 'professional', hours: 60, measure: { hours: 60 } })];
    it('before it closes, an activity completed after it is outside the year (OUTSIDE_YEAR, 422)', () => {
      given(full).when((s) => decideDeclareActivity(cmd({ completedOn: '2025-01-15' }), s, UNIT, none, ctx(actors.pro, '2025-02-01T00:00:00.000Z'))).thenRefuses('OUTSIDE_YEAR', 'unprocessable');
    });
    it('once it closed, such a declaration is not make-up, so the closed year refuses it first (YEAR_CLOSED, 409)', () => {
      given(full).when((s) => decideDeclareActivity(cmd({ completedOn: '2025-05-01' }), s, UNIT, none, ctx(actors.pro, '2025-06-01T00:00:00.000Z'))).thenRefuses('YEAR_CLOSED', 'conflict');
    });
  });

  describe('Art. 13: a short year\'s activity completed after its make-up period is no make-up', () => {
    it('once the year closed, the closed year refuses it first (YEAR_CLOSED, 409, before its date\'s 422)', () => {
      given([opened()]).when((s) => decideDeclareActivity(cmd({ completedOn: '2026-01-02' }), s, UNIT, none, ctx(actors.pro, '2026-01-05T00:00:00.000Z'))).thenRefuses('YEAR_CLOSED', 'conflict');
      given([opened()]).when((s) => decideDeclareActivity(cmd({ completedOn: '2026-01-02' }), s, UNIT, none, ctx(actors.pro, '2025-06-01T00:00:00.000Z'))).thenRefuses('YEAR_CLOSED', 'conflict');
    });
    it('before the year closes, its date refuses it (OUTSIDE_YEAR, 422), in the words it has for a year that is not short, naming no period end: an institution registers for years it may not read', () => {
      const refusal = (events: Parameters<typeof given>[0], completedOn: string) => {
        try {
          decideDeclareActivity(cmd({ completedOn }), fold(events), UNIT, none, ctx(actors.pro, '2025-02-01T00:00:00.000Z'));
        } catch (error: unknown) {
          return [(error as DomainError).code, (error as DomainError).message];
        }
        return null;
      };
      const full = [opened(), registered('pub', { hours: 30, measure: { hours: 30 } }), registered('pro', { subject: 'professional', hours: 60, measure: { hours: 60 } })];
      expect(refusal([opened()], '2026-01-02')).toEqual(['OUTSIDE_YEAR', 'completedOn 2026-01-02 is after 2024 and outside any make-up period of it']);
      expect(refusal(full, '2026-01-02')).toEqual(refusal([opened()], '2026-01-02'));
    });
    it('once the year closed, an activity after it is refused in the same words whether the year is short or not, its period extended or not, over or never begun', () => {
      const refusal = (events: Parameters<typeof given>[0], completedOn: string) => {
        try {
          decideDeclareActivity(cmd({ completedOn }), fold(events), UNIT, none, ctx(actors.pro, '2026-07-01T00:00:00.000Z'));
        } catch (error: unknown) {
          return [(error as DomainError).code, (error as DomainError).message, (error as DomainError).article];
        }
        return null;
      };
      const extended = [opened(), { type: 'MakeUpGranted' as const, data: { reason: 'illness' as const, note: null, until: '2026-06-30' } }];
      const full = [opened(), registered('pub', { hours: 30, measure: { hours: 30 } }), registered('pro', { subject: 'professional', hours: 60, measure: { hours: 60 } })];
      const answers = [refusal(extended, '2026-03-01'), refusal([opened()], '2026-03-01'), refusal(full, '2026-03-01'), refusal(extended, '2025-06-01'), refusal(full, '2025-06-01')];
      expect(answers).toEqual(Array(5).fill(['YEAR_CLOSED', 'declarations for 2024 are closed and its make-up period, if it has one, is over', '13']));
      // An activity within the year, once it closed, is told when it closed (nothing about make-up).
      expect(refusal(full, '2024-06-01')).toEqual(['YEAR_CLOSED', 'declarations for 2024 closed on 2025-03-31', '11']);
    });
    it('once its period, extended by a reason, is over, the refusal does not name its end (an end past the default says a reason was recorded)', () => {
      const extended = [opened(), { type: 'MakeUpGranted' as const, data: { reason: 'illness' as const, note: null, until: '2026-06-30' } }];
      given(extended)
        .when((s) => decideDeclareActivity(cmd({ completedOn: '2026-06-30' }), s, UNIT, none, ctx(actors.pro, '2026-07-01T00:00:00.000Z')))
        .thenRefuses('YEAR_CLOSED', 'conflict', /^declarations for 2024 are closed and its make-up period, if it has one, is over$/);
    });
  });

  it('Art. 13: after the make-up period ends, make-up declarations are YEAR_CLOSED', () => {
    given([opened()]).when((s) => decideDeclareActivity(cmd({ completedOn: '2025-12-31' }), s, UNIT, none, ctx(actors.pro, '2026-01-01T00:00:00.000Z'))).thenRefuses('YEAR_CLOSED', 'conflict');
  });

  it('RULES §4: the same content counted in the following year refuses a make-up activity (CONTENT_ALREADY_COUNTED)', () => {
    const next = fold([opened('p1', 2025), declared('b1', { completedOn: '2025-04-01', contentKey: 'K' })]);
    given([opened()]).when((s) => decideDeclareActivity(cmd({ completedOn: '2025-05-01', contentKey: 'K' }), s, UNIT, years({ 2023: null, 2025: next }), ctx(actors.pro, '2025-06-01T00:00:00.000Z'))).thenRefuses('CONTENT_ALREADY_COUNTED', 'conflict');
  });

  it('RULES §4: a make-up activity of the previous year refuses the same content in this year', () => {
    const previous = fold([opened('p1', 2023), declared('m1', { completedOn: '2024-02-01', contentKey: 'K', makeUp: true })]);
    given([opened()]).when((s) => decideDeclareActivity(cmd({ contentKey: 'K' }), s, UNIT, years({ 2023: previous }), ctx(actors.pro))).thenRefuses('CONTENT_ALREADY_COUNTED', 'conflict');
  });

  it("RULES §4: a make-up activity refuses content the following year's own make-up counts, and the other way round", () => {
    const nextMakeUp = fold([opened('p1', 2025), declared('m2', { completedOn: '2026-02-01', contentKey: 'K', makeUp: true })]);
    given([opened()]).when((s) => decideDeclareActivity(cmd({ completedOn: '2025-05-01', contentKey: 'K' }), s, UNIT, years({ 2023: null, 2025: nextMakeUp }), ctx(actors.pro, '2025-06-01T00:00:00.000Z'))).thenRefuses('CONTENT_ALREADY_COUNTED', 'conflict');
    const previousMakeUp = fold([opened('p1', 2023), declared('m0', { completedOn: '2024-02-01', contentKey: 'K', makeUp: true })]);
    given([opened()]).when((s) => decideDeclareActivity(cmd({ completedOn: '2025-05-01', contentKey: 'K' }), s, UNIT, years({ 2023: previousMakeUp, 2025: null }), ctx(actors.pro, '2025-06-01T00:00:00.000Z'))).thenRefuses('CONTENT_ALREADY_COUNTED', 'conflict');
  });

  it('RULES §4: the years read for the content check: every earlier one, and for an activity after the year those up to its completion', () => {
    expect(neighbourYearsOf(cmd({ completedOn: '2025-05-01' }), 2026)).toEqual([2023, 2025]);
    expect(neighbourYearsOf(cmd({ completedOn: '2026-05-01' }), 2026)).toEqual([2023, 2025, 2026]);
    expect(neighbourYearsOf(cmd(), 2026)).toEqual([2023]);
    expect(neighbourYearsOf({ ...cmd({ completedOn: '2026-05-01' }), year: 2026 }, 2027)).toEqual([2023, 2024, 2025]);
  });

  it('the years read stop at the last year asked for: a date or a year far ahead reads no more than today does', () => {
    expect(neighbourYearsOf(cmd({ completedOn: '2099-01-01' }), 2027)).toEqual([2023, 2025, 2026, 2027]);
    expect(neighbourYearsOf({ ...cmd({ completedOn: '2100-01-01' }), year: 2100 }, 2027)).toEqual([2023, 2024, 2025, 2026, 2027]);
    expect(contentYearsOfStored(2025, 2027)).toEqual([2023, 2024, 2026, 2027]);
    expect(contentYearsOfStored(2023, 2024)).toEqual([2024]);
  });

  describe('RULES §4 under a make-up period extended beyond the following year: content counts in one year only', () => {
    // 2024 is short; a reason extends its make-up period to mid-2026.
    const extended = [opened(), { type: 'MakeUpGranted' as const, data: { reason: 'illness' as const, note: null, until: '2026-06-30' } }];
    const inApril2026 = ctx(actors.pro, '2026-04-01T00:00:00.000Z');

    it('a make-up activity completed two years on meets that year (CONTENT_ALREADY_COUNTED naming 2026)', () => {
      const twoOn = fold([opened('p1', 2026), declared('b1', { completedOn: '2026-02-01', contentKey: 'K' })]);
      given(extended)
        .when((s) => decideDeclareActivity(cmd({ completedOn: '2026-03-01', contentKey: 'K' }), s, UNIT, years({ 2023: null, 2025: null, 2026: twoOn }), inApril2026))
        .thenRefuses('CONTENT_ALREADY_COUNTED', 'conflict', /already counts in 2026/);
    });

    it('the year it was completed in meets it the other way round', () => {
      const earlier = fold([...extended, declared('m1', { completedOn: '2026-03-01', contentKey: 'K', makeUp: true })]);
      given([opened('p1', 2026)])
        .when((s) => decideDeclareActivity({ ...cmd({ completedOn: '2026-02-01', contentKey: 'K' }), year: 2026 }, s, UNIT, years({ 2023: null, 2024: earlier, 2025: null }), inApril2026))
        .thenRefuses('CONTENT_ALREADY_COUNTED', 'conflict', /already counts in 2024/);
    });

    it('and so does the following year, as RULES.md names it', () => {
      const following = fold([opened('p1', 2025), declared('b1', { completedOn: '2025-02-01', contentKey: 'K' })]);
      given(extended)
        .when((s) => decideDeclareActivity(cmd({ completedOn: '2026-03-01', contentKey: 'K' }), s, UNIT, years({ 2023: null, 2025: following, 2026: null }), inApril2026))
        .thenRefuses('CONTENT_ALREADY_COUNTED', 'conflict', /already counts in 2025/);
    });

    it('a make-up activity completed in the following year leaves the year after it free', () => {
      const earlier = fold([...extended, declared('m1', { completedOn: '2025-03-01', contentKey: 'K', makeUp: true })]);
      given([opened('p1', 2026)])
        .when((s) => decideDeclareActivity({ ...cmd({ completedOn: '2026-02-01', contentKey: 'K' }), year: 2026 }, s, UNIT, years({ 2023: null, 2024: earlier, 2025: null }), inApril2026))
        .then([declared('a1', { completedOn: '2026-02-01', contentKey: 'K' })]);
    });
  });

  it('RULES §4: withdrawn content in the other year no longer blocks', () => {
    const previous = fold([opened('p1', 2023), declared('m1', { completedOn: '2024-02-01', contentKey: 'K', makeUp: true }), { type: 'ActivityWithdrawn', data: { activityId: 'm1' } }]);
    given([opened()]).when((s) => decideDeclareActivity(cmd({ contentKey: 'K' }), s, UNIT, years({ 2023: previous }), ctx(actors.pro))).then([declared('a1', { contentKey: 'K' })]);
  });

  it('8(8): a second active points activity is POINTS_ALREADY_DECLARED', () => {
    given([opened(), declared('x1', { category: '8.8', subject: 'public', measure: { points: 5000 }, hours: 5 })])
      .when((s) => decideDeclareActivity(cmd({ category: '8.8', subject: undefined, measure: { points: 3000 } }), s, UNIT, none, ctx(actors.pro)))
      .thenRefuses('POINTS_ALREADY_DECLARED', 'conflict');
  });

  it('8(8): one finalised at 0 hours (under 1,000 points) is still active — a make-up 8(8) is POINTS_ALREADY_DECLARED; adjusted to 0 by the authority it is not', () => {
    const points = declared('x1', { category: '8.8', subject: 'public', measure: { points: 500 }, hours: 0 });
    const verified = { type: 'ActivityVerifiedByUnit' as const, data: { activityId: 'x1', hours: 0, reason: null, contentKey: null } };
    const confirmed = { type: 'YearConfirmedByUnit' as const, data: { note: null } };
    const finalized = (adjustments: Array<{ activityId: string; hours: number; reason: string; contentKey: null }>) => ({ type: 'YearFinalizedByAuthority' as const, data: { decision: 'approve' as const, adjustments } });
    const makeUpPoints = cmd({ category: '8.8', subject: undefined, measure: { points: 3000 }, completedOn: '2025-02-01' });
    const at = ctx(actors.pro, '2025-06-01T00:00:00.000Z');
    given([opened(), points, verified, confirmed, finalized([])]).when((s) => decideDeclareActivity(makeUpPoints, s, UNIT, years({ 2023: null, 2025: null }), at)).thenRefuses('POINTS_ALREADY_DECLARED', 'conflict');
    const rejected = given([opened(), points, verified, confirmed, finalized([{ activityId: 'x1', hours: 0, reason: 'forged', contentKey: null }])])
      .when((s) => decideDeclareActivity(makeUpPoints, s, UNIT, years({ 2023: null, 2025: null }), at))
      .result();
    expect(rejected.events.map((e) => e.type)).toEqual(['YearReopened', 'ActivityDeclared']);
  });

  it('a declaration on a confirmed year returns it to open (YearReopened)', () => {
    const decision = given([opened(), { type: 'YearConfirmedByUnit', data: { note: null } }]).when((s) => decideDeclareActivity(cmd(), s, UNIT, none, ctx(actors.pro))).result();
    expect(decision.events.map((e) => e.type)).toEqual(['YearReopened', 'ActivityDeclared']);
  });

  it('an unknown unit is UNIT_NOT_FOUND even on a year already open (404 before 409)', () => {
    given([opened()]).when((s) => decideDeclareActivity(cmd({}, 'ghost'), s, null, none, ctx(actors.pro))).thenRefuses('UNIT_NOT_FOUND', 'not_found');
  });

  it('API.md order: what the stored year forbids (409) comes before a date rule (422)', () => {
    const points = declared('x1', { category: '8.8', subject: 'public', measure: { points: 5000 }, hours: 5 });
    given([opened(), points]).when((s) => decideDeclareActivity(cmd({ category: '8.8', subject: undefined, measure: { points: 3000 }, completedOn: '2023-12-31' }), s, UNIT, none, ctx(actors.pro))).thenRefuses('POINTS_ALREADY_DECLARED', 'conflict');
    given([opened(), points]).when((s) => decideDeclareActivity(cmd({ category: '8.8', subject: undefined, measure: { points: 3000 }, completedOn: '2024-07-01' }), s, UNIT, none, ctx(actors.pro))).thenRefuses('POINTS_ALREADY_DECLARED', 'conflict');
    given([opened()]).when((s) => decideDeclareActivity(cmd({ completedOn: '2026-01-15' }), s, UNIT, none, ctx(actors.pro, '2026-03-01T00:00:00.000Z'))).thenRefuses('YEAR_CLOSED', 'conflict');
  });

  it('RULES §4: once finalised, a year reopened by make-up still takes no regular declaration', () => {
    const events = [opened(), { type: 'YearConfirmedByUnit' as const, data: { note: null } }, { type: 'YearFinalizedByAuthority' as const, data: { decision: 'approve' as const, adjustments: [] } }, declared('m1', { completedOn: '2025-01-15', makeUp: true }), { type: 'YearReopened' as const, data: { activityId: 'm1', makeUp: true } }];
    given(events).when((s) => decideDeclareActivity(cmd({ completedOn: '2024-06-01' }), s, UNIT, none, ctx(actors.pro, '2025-02-01T00:00:00.000Z'))).thenRefuses('YEAR_FINALIZED', 'conflict');
  });

  it('content the authority adjusted to 0 counts nowhere, so it does not block the other year', () => {
    const rejectedInFinal = fold([opened('p1', 2025), registered('b1', { completedOn: '2025-04-01', contentKey: 'K' }), { type: 'YearConfirmedByUnit', data: { note: null } }, { type: 'YearFinalizedByAuthority', data: { decision: 'approve', adjustments: [{ activityId: 'b1', hours: 0, reason: 'forged', contentKey: null }] } }]);
    const decision = given([opened()]).when((s) => decideDeclareActivity(cmd({ completedOn: '2025-05-01', contentKey: 'K' }), s, UNIT, years({ 2023: null, 2025: rejectedInFinal }), ctx(actors.pro, '2025-06-01T00:00:00.000Z'))).result();
    expect(decision.events.map((e) => e.type)).toEqual(['ActivityDeclared']);
  });
});
