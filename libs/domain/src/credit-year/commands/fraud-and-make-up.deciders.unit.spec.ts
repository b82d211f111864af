/** given/when/then for Art. 14 (fraud flags) and Art. 13 (make-up reasons, promotion delay). */
import type { CreditYearEvent } from '../credit-year.events';
import { foldCreditYear } from '../credit-year.state';
import { healthTestRegistry, JX_2023_TRIAL_HEALTH_TEST_ID } from '../../../../rules/src/testing';
import { actors, ctx, declared, given, opened, recordedAt, registered, UNIT } from '../../testing/decider-spec';
import { decideFlagFraud, type FlagFraudCommand } from './flag-fraud.decider';
import { decideMakeUpReason } from './make-up-reason.decider';
import { decideRecordPromotionDelay } from './record-promotion-delay.decider';
import { decideRescindFraudFlag } from './rescind-fraud-flag.decider';

const key = { personId: 'p1', year: 2024 };
const flag = (over: Partial<FlagFraudCommand> = {}): FlagFraudCommand => ({ ...key, flagId: 'f1', reason: 'forged certificate', evidence: [], institutionId: null, courses: null, registeredUpTo: null, ...over });
const flagged = (flagId = 'f1'): CreditYearEvent => ({ type: 'FraudFlagged', data: { flagId, reason: 'forged certificate', evidence: [], institutionId: null, courses: null } });

describe('FlagFraud (Art. 14)', () => {
  it('a 人社 authority flags the year', () => {
    given([opened()]).when((s) => decideFlagFraud(flag(), s, UNIT, ctx(actors.city))).then([flagged()]);
  });
  it('an industry authority may not flag', () => {
    given([opened()]).when((s) => decideFlagFraud(flag(), s, UNIT, ctx(actors.health))).thenRefuses('FORBIDDEN', 'forbidden');
  });
  it('a 人社 authority of another city is out of scope (403)', () => {
    given([opened()]).when((s) => decideFlagFraud(flag(), s, UNIT, ctx(actors.otherCity))).thenRefuses('OUT_OF_SCOPE', 'forbidden');
  });
  it('a further flag on a voided year is taken; the same flag again changes nothing', () => {
    given([opened(), flagged()]).when((s) => decideFlagFraud(flag({ flagId: 'f2' }), s, UNIT, ctx(actors.hr))).then([flagged('f2')]);
    given([opened(), flagged()]).when((s) => decideFlagFraud(flag(), s, UNIT, ctx(actors.hr))).thenNothing();
  });
  it('the same flagId again (an Idempotency-Key sent again) changes nothing, standing or rescinded; with another reason or evidence it is IDEMPOTENCY_KEY_REUSED', () => {
    const evidence = [{ name: 'report.pdf', sha256: 'b'.repeat(64) }];
    const held = [opened(), { ...flagged(), data: { ...flagged().data, evidence } } as CreditYearEvent];
    given(held).when((s) => decideFlagFraud(flag({ evidence }), s, UNIT, ctx(actors.hr))).thenNothing();
    given([...held, { type: 'FraudFlagRescinded', data: { flagId: 'f1', reason: 'review' } }]).when((s) => decideFlagFraud(flag({ evidence }), s, UNIT, ctx(actors.hr))).thenNothing();
    given(held).when((s) => decideFlagFraud(flag({ evidence, reason: 'another reason' }), s, UNIT, ctx(actors.hr))).thenRefuses('IDEMPOTENCY_KEY_REUSED', 'conflict');
    given(held).when((s) => decideFlagFraud(flag(), s, UNIT, ctx(actors.hr))).thenRefuses('IDEMPOTENCY_KEY_REUSED', 'conflict');
    given(held).when((s) => decideFlagFraud(flag({ evidence: [{ ...evidence[0]!, name: 'other.pdf' }] }), s, UNIT, ctx(actors.hr))).thenRefuses('IDEMPOTENCY_KEY_REUSED', 'conflict');
  });
  it('an institution flag reaches only years holding that institution registration (of the named courses)', () => {
    const withCourse = [opened(), registered('a1', { contentKey: 'C1' })];
    given(withCourse).when((s) => decideFlagFraud(flag({ institutionId: 'inst1', courses: ['C1'] }), s, UNIT, ctx(actors.hr))).then([{ type: 'FraudFlagged', data: { flagId: 'f1', reason: 'forged certificate', evidence: [], institutionId: 'inst1', courses: ['C1'] } }]);
    given(withCourse).when((s) => decideFlagFraud(flag({ institutionId: 'inst1', courses: ['C2'] }), s, UNIT, ctx(actors.hr))).thenNothing();
    given(withCourse).when((s) => decideFlagFraud(flag({ institutionId: 'inst9' }), s, UNIT, ctx(actors.hr))).thenNothing();
  });
  it('an institution flag reaches the registrations the store held when it was posted (at or before its position), not one made since', () => {
    const atPositions = foldCreditYear([opened(), registered('a1', { contentKey: 'C1' })].map((e, revision) => ({ ...e, revision, at: '2024-05-01T00:00:00.000Z', position: 40 + revision })));
    const post = (registeredUpTo: number | null) => decideFlagFraud(flag({ institutionId: 'inst1', courses: ['C1'], registeredUpTo }), atPositions, UNIT, ctx(actors.hr));
    // a1 was registered at position 41.
    expect(post(41).result).toEqual({ flagged: true });
    expect(post(null).result).toEqual({ flagged: true });
    expect(post(40)).toEqual({ events: [], ruleSetId: 'jx-2023-trial', result: { flagged: false } });
  });
  it('the same institution flag (institution, reason, courses as a set) under another id changes nothing, standing or rescinded; another reason or course set is another flag', () => {
    const instFlag = (flagId: string, courses: string[] | null, reason = 'forged certificate'): CreditYearEvent => ({ type: 'FraudFlagged', data: { flagId, reason, evidence: [], institutionId: 'inst1', courses } });
    const held = [opened(), registered('a1', { contentKey: 'C1' }), registered('a2', { contentKey: 'C2' }), instFlag('old-id', ['C2', 'C1'])];
    const post = (over: Partial<FlagFraudCommand>) => (s: Parameters<typeof decideFlagFraud>[1]) => decideFlagFraud(flag({ flagId: 'new-id', institutionId: 'inst1', ...over }), s, UNIT, ctx(actors.hr));
    given(held).when(post({ courses: ['C1', 'C2', 'C1'] })).thenNothing();
    given([...held, { type: 'FraudFlagRescinded', data: { flagId: 'old-id', reason: 'review' } }]).when(post({ courses: ['C1', 'C2'] })).thenNothing();
    given(held).when(post({ courses: ['C1'] })).then([instFlag('new-id', ['C1'])]);
    given(held).when(post({ courses: ['C1', 'C2'], reason: 'forged attendance' })).then([instFlag('new-id', ['C1', 'C2'], 'forged attendance')]);
    given([opened(), registered('a1', { contentKey: 'C1' }), instFlag('old-id', null)]).when(post({ courses: null })).thenNothing();
  });
});

describe('RescindFraudFlag (Art. 14)', () => {
  it('rescinds a standing flag', () => {
    given([opened(), flagged()]).when((s) => decideRescindFraudFlag({ ...key, flagId: 'f1', reason: 'review' }, s, UNIT, ctx(actors.hr))).then([{ type: 'FraudFlagRescinded', data: { flagId: 'f1', reason: 'review' } }]);
  });
  it('an industry authority may not rescind (FORBIDDEN); a 人社 authority of another city is out of scope (403)', () => {
    given([opened(), flagged()]).when((s) => decideRescindFraudFlag({ ...key, flagId: 'f1', reason: 'review' }, s, UNIT, ctx(actors.health))).thenRefuses('FORBIDDEN', 'forbidden');
    given([opened(), flagged()]).when((s) => decideRescindFraudFlag({ ...key, flagId: 'f1', reason: 'review' }, s, UNIT, ctx(actors.otherCity))).thenRefuses('OUT_OF_SCOPE', 'forbidden');
  });
  it('a rescinded flag is FLAG_ALREADY_RESCINDED; an unknown one FLAG_NOT_FOUND', () => {
    given([opened(), flagged(), { type: 'FraudFlagRescinded', data: { flagId: 'f1', reason: 'r' } }]).when((s) => decideRescindFraudFlag({ ...key, flagId: 'f1', reason: 'again' }, s, UNIT, ctx(actors.hr))).thenRefuses('FLAG_ALREADY_RESCINDED', 'conflict');
    given([opened()]).when((s) => decideRescindFraudFlag({ ...key, flagId: 'nope', reason: 'r' }, s, UNIT, ctx(actors.hr))).thenRefuses('FLAG_NOT_FOUND', 'not_found');
  });
});

describe('MakeUpReason (Art. 13)', () => {
  it('records a legitimate reason that extends the period', () => {
    given([opened()]).when((s) => decideMakeUpReason({ ...key, reason: 'illness', note: null, until: '2026-06-30' }, s, UNIT, ctx(actors.unit))).then([{ type: 'MakeUpGranted', data: { reason: 'illness', note: null, until: '2026-06-30' } }]);
  });
  it('a unit may open a year never written to (it is short too)', () => {
    given([]).when((s) => decideMakeUpReason({ ...key, reason: 'pregnancy', note: null, until: null }, s, UNIT, ctx(actors.unit))).then([opened(), { type: 'MakeUpGranted', data: { reason: 'pregnancy', note: null, until: null } }]);
  });
  it('a unit cannot open a year that has not begun (404): it would tie the person\'s future year to that unit', () => {
    given([]).when((s) => decideMakeUpReason({ ...key, year: 2025, reason: 'pregnancy', note: null, until: null }, s, UNIT, ctx(actors.unit, '2024-12-31T15:59:59.999Z'))).thenRefuses('PERSON_YEAR_NOT_FOUND', 'not_found');
    given([]).when((s) => decideMakeUpReason({ ...key, year: 2025, reason: 'pregnancy', note: null, until: null }, s, UNIT, ctx(actors.unit, '2024-12-31T16:00:00.000Z'))).then([
      opened('p1', 2025), { type: 'MakeUpGranted', data: { reason: 'pregnancy', note: null, until: null } },
    ]);
  });
  it('an authority cannot open a year never written to (404)', () => {
    given([]).when((s) => decideMakeUpReason({ ...key, reason: 'injury', note: null, until: null }, s, UNIT, ctx(actors.hr))).thenRefuses('PERSON_YEAR_NOT_FOUND', 'not_found');
  });
  it('another unit, an authority of another city or an industry authority of another field is out of scope (403)', () => {
    const reason = { ...key, reason: 'illness' as const, note: null, until: null };
    given([opened()]).when((s) => decideMakeUpReason(reason, s, UNIT, ctx(actors.otherUnit))).thenRefuses('OUT_OF_SCOPE', 'forbidden');
    given([opened()]).when((s) => decideMakeUpReason(reason, s, UNIT, ctx(actors.otherCity))).thenRefuses('OUT_OF_SCOPE', 'forbidden');
    given([opened()]).when((s) => decideMakeUpReason(reason, s, UNIT, ctx(actors.health))).thenRefuses('OUT_OF_SCOPE', 'forbidden');
  });
  it('a voided year is YEAR_VOIDED', () => {
    given([opened(), flagged()]).when((s) => decideMakeUpReason({ ...key, reason: 'injury', note: null, until: null }, s, UNIT, ctx(actors.unit))).thenRefuses('YEAR_VOIDED', 'conflict');
  });
  const granted = (reason: 'illness' | 'injury', note: string | null, until: string | null): CreditYearEvent => ({ type: 'MakeUpGranted', data: { reason, note, until } });
  it('the reason that stands, recorded again as it was, is a repeat: nothing recorded', () => {
    given([opened(), granted('illness', 'hospital', '2026-06-30')]).when((s) => decideMakeUpReason({ ...key, reason: 'illness', note: 'hospital', until: '2026-06-30' }, s, UNIT, ctx(actors.hr))).thenNothing();
  });
  it('another note, period or reason, or an earlier reason again, is recorded (the last recorded stands)', () => {
    const history = [opened(), granted('illness', 'hospital', null), granted('injury', null, null)];
    given(history).when((s) => decideMakeUpReason({ ...key, reason: 'injury', note: 'cast', until: null }, s, UNIT, ctx(actors.unit))).then([granted('injury', 'cast', null)]);
    given(history).when((s) => decideMakeUpReason({ ...key, reason: 'injury', note: null, until: '2026-03-31' }, s, UNIT, ctx(actors.unit))).then([granted('injury', null, '2026-03-31')]);
    given(history).when((s) => decideMakeUpReason({ ...key, reason: 'illness', note: 'hospital', until: null }, s, UNIT, ctx(actors.unit))).then([granted('illness', 'hospital', null)]);
  });
  it('a person-year takes at most 100 recorded reasons (TOO_MANY_CHANGES): one token cannot grow the stream without end', () => {
    const alternating = Array.from({ length: 100 }, (_, i) => granted(i % 2 === 0 ? 'illness' : 'injury', null, null));
    given([opened(), ...alternating.slice(0, 99)]).when((s) => decideMakeUpReason({ ...key, reason: 'injury', note: null, until: null }, s, UNIT, ctx(actors.unit))).then([granted('injury', null, null)]);
    given([opened(), ...alternating]).when((s) => decideMakeUpReason({ ...key, reason: 'illness', note: null, until: null }, s, UNIT, ctx(actors.unit))).thenRefuses('TOO_MANY_CHANGES', 'conflict');
    // The repeat of the reason that stands is still answered (it records nothing).
    given([opened(), ...alternating]).when((s) => decideMakeUpReason({ ...key, reason: 'injury', note: null, until: null }, s, UNIT, ctx(actors.unit))).thenNothing();
  });
});

describe('RecordPromotionDelay (Art. 13)', () => {
  const after = '2026-01-01T00:00:00.000Z';
  it('records a delay once the period ended with the year still short', () => {
    given([opened()]).when((s) => decideRecordPromotionDelay(key, s, ctx(actors.hr, after))).then([{ type: 'PromotionDelayRecorded', data: { periodEnded: '2025-12-31', shortfall: { public: 30, professional: 60 } } }]);
  });
  it('records nothing before the period ends, after a legitimate reason, twice, or for a compliant year', () => {
    given([opened()]).when((s) => decideRecordPromotionDelay(key, s, ctx(actors.hr, '2025-12-31T15:59:59.999Z'))).thenNothing();
    given([opened(), { type: 'MakeUpGranted', data: { reason: 'illness', note: null, until: null } }]).when((s) => decideRecordPromotionDelay(key, s, ctx(actors.hr, after))).thenNothing();
    given([opened(), { type: 'PromotionDelayRecorded', data: { periodEnded: '2025-12-31', shortfall: { public: 30, professional: 60 } } }]).when((s) => decideRecordPromotionDelay(key, s, ctx(actors.hr, after))).thenNothing();
    const full = [opened(), registered('p', { hours: 30, measure: { hours: 30 } }), registered('q', { subject: 'professional', hours: 60, measure: { hours: 60 } })];
    given(full).when((s) => decideRecordPromotionDelay(key, s, ctx(actors.hr, after))).thenNothing();
  });
  // Art. 13 judged on the year as it stood when the period ended (end of 2025-12-31, China time),
  // whenever the scheduler runs: what is recorded after the end changes nothing.
  describe('judged on the year as it stood when the period ended', () => {
    const afterEnd = '2026-01-02T02:00:00.000Z';
    const delay = (shortfall: { public: number; professional: number }): CreditYearEvent[] => [{ type: 'PromotionDelayRecorded', data: { periodEnded: '2025-12-31', shortfall } }];
    const pub = registered('pub', { hours: 30, measure: { hours: 30 } });
    const pro = registered('pro', { subject: 'professional', hours: 60, measure: { hours: 60 } });
    const late = (event: CreditYearEvent) => recordedAt(afterEnd, event);
    it('short then, made whole by a verification after the end: the delay is still owed', () => {
      const makeUp = declared('m', { subject: 'professional', hours: 60, measure: { hours: 60 }, completedOn: '2025-06-01', makeUp: true });
      const verified: CreditYearEvent = { type: 'ActivityVerifiedByUnit', data: { activityId: 'm', hours: 60, reason: null, contentKey: null } };
      given([opened(), pub, makeUp, late(verified)]).when((s) => decideRecordPromotionDelay(key, s, ctx(actors.hr, afterEnd))).then(delay({ public: 0, professional: 60 }));
    });
    it('whole then, made short by a final review after the end: no delay', () => {
      const confirmed: CreditYearEvent = { type: 'YearConfirmedByUnit', data: { note: null } };
      const finalised: CreditYearEvent = { type: 'YearFinalizedByAuthority', data: { decision: 'approve', adjustments: [{ activityId: 'pro', hours: 20, reason: 'not all of it', contentKey: null }] } };
      const state = given([opened(), pub, pro, confirmed, late(finalised)]).state!;
      expect(state.workflow).toBe('finalized');
      given([opened(), pub, pro, confirmed, late(finalised)]).when((s) => decideRecordPromotionDelay(key, s, ctx(actors.hr, afterEnd))).thenNothing();
    });
    it('a legitimate reason recorded after the end, before the delay, still excuses the year — also one that opens a year never written to', () => {
      const reason = (until: string | null): CreditYearEvent => ({ type: 'MakeUpGranted', data: { reason: 'illness', note: null, until } });
      given([opened(), late(reason(null))]).when((s) => decideRecordPromotionDelay(key, s, ctx(actors.hr, afterEnd))).thenNothing();
      given([late(opened()), late(reason(null))]).when((s) => decideRecordPromotionDelay(key, s, ctx(actors.hr, afterEnd))).thenNothing();
      given([opened(), late(reason('2026-06-30'))]).when((s) => decideRecordPromotionDelay(key, s, ctx(actors.hr, '2026-07-01T00:00:00.000Z'))).thenNothing();
    });
    it('is decided under the rule set of the field the year had when its period ended (Art. 15)', () => {
      // Health's fixture asks 70 professional hours: short under it at the end, whole under general's 60.
      const health = given([opened(), { type: 'FieldSet', data: { field: 'health' } }, pub, pro, late({ type: 'FieldSet', data: { field: 'general' } })]);
      const decision = health.when((s) => decideRecordPromotionDelay(key, s, { ...ctx(actors.hr, afterEnd), rules: healthTestRegistry() })).result();
      expect(decision.events).toEqual(delay({ public: 0, professional: 10 }));
      expect(decision.ruleSetId).toBe(JX_2023_TRIAL_HEALTH_TEST_ID);
    });
    it('voided then and rescinded since: judged on its hours at the end', () => {
      const rescinded: CreditYearEvent = { type: 'FraudFlagRescinded', data: { flagId: 'f1', reason: 'review' } };
      given([opened(), pub, flagged(), late(rescinded)]).when((s) => decideRecordPromotionDelay(key, s, ctx(actors.hr, afterEnd))).then(delay({ public: 0, professional: 60 }));
      given([opened(), pub, pro, flagged(), late(rescinded)]).when((s) => decideRecordPromotionDelay(key, s, ctx(actors.hr, afterEnd))).thenNothing();
      // Still voided: nothing is written to it.
      given([opened(), pub, flagged(), late(flagged('f2'))]).when((s) => decideRecordPromotionDelay(key, s, ctx(actors.hr, afterEnd))).thenNothing();
    });
  });
  it('a period extended by a reason ends later', () => {
    const extended: CreditYearEvent = { type: 'MakeUpGranted', data: { reason: 'other', note: null, until: '2026-06-30' } };
    const state = given([opened(), extended]).state!;
    expect(state.makeUp.until).toBe('2026-06-30');
  });
});
