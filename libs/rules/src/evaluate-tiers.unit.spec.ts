/** RULES.md §3–4: the three tiers, the deciding tier, Art. 14 voiding and Art. 13 make-up. */
import { evaluate } from './evaluate';
import { defaultRegistry } from './registry';
import { activity as act, finalizedYear, personYear } from './testing';
import type { ActivityInput, Evaluation } from './types';

const jx = defaultRegistry().resolve('jx-2023-trial');
const counted = (e: Evaluation): Record<string, number> => Object.fromEntries(e.activities.map((a) => [a.activityId, a.hours.counted]));

/** A year that is compliant on its verified hours: 30 public + 60 professional. */
const full: ActivityInput[] = [
  act({ activityId: 'pub', category: '8.1', subject: 'public', hours: 30 }),
  act({ activityId: 'pro', category: '8.2', hours: 60 }),
];

describe('three tiers, each over its own activities', () => {
  const acts = [
    act({ activityId: 'v', category: '8.1', hours: 10, verifiedHours: 8 }),
    act({ activityId: 'd', category: '8.1', hours: 5, status: 'declared' }),
    act({ activityId: 'r', category: '8.1', hours: 7, status: 'rejected' }),
    act({ activityId: 'w', category: '8.1', hours: 3, status: 'withdrawn' }),
    act({ activityId: 'reg', category: '8.1', subject: 'public', hours: 4, verifiedHours: 4 }),
  ];

  it('declared: everything not withdrawn and not rejected by the unit, at claimed hours', () => {
    expect(evaluate(jx, personYear(acts)).totals.declared).toEqual({ public: 4, professional: 15, total: 19 });
  });

  it('verified: unit-verified or verified on registration, at the unit\'s hours', () => {
    expect(evaluate(jx, personYear(acts)).totals.verified).toEqual({ public: 4, professional: 8, total: 12 });
  });

  it('final: null until the year is finalised', () => {
    expect(evaluate(jx, personYear(acts)).totals.final).toBeNull();
  });

  it('final: at the authority\'s hours once finalised; activities outside the finalisation count 0', () => {
    const withFinal = acts.map((a) => (a.activityId === 'v' ? { ...a, final: 600 } : a.activityId === 'reg' ? { ...a, final: 400 } : a));
    const e = evaluate(jx, personYear([...withFinal, act({ activityId: 'late', category: '8.1', hours: 9 })], { finalized: true, status: 'open' }));
    expect(e.totals.final).toEqual({ public: 4, professional: 6, total: 10 });
    expect(e.totals.verified).toEqual({ public: 4, professional: 17, total: 21 });
    expect(counted(e)).toMatchObject({ v: 6, late: 0, reg: 4 });
    expect(e.activities.find((a) => a.activityId === 'late')?.hours.final).toBeNull();
  });

  it('the unit\'s verified hours show beside the claimed ones; a pending activity counts 0 without a note', () => {
    const e = evaluate(jx, personYear(acts));
    expect(e.activities.find((a) => a.activityId === 'v')?.hours).toEqual({ claimed: 10, verified: 8, final: null, counted: 8 });
    expect(e.activities.find((a) => a.activityId === 'd')).toMatchObject({ status: 'declared', notes: [], hours: { counted: 0 } });
  });
});

describe('compliance is judged on final once finalised, else on verified', () => {
  it('not finalised: verified decides', () => {
    const e = evaluate(jx, personYear(full));
    expect(e.compliant).toBe(true);
  });

  it('finalised: final decides, even when verified would be enough', () => {
    const e = evaluate(jx, finalizedYear(full.map((a) => (a.activityId === 'pro' ? { ...a, final: 5000 } : a))));
    expect(e.totals.verified.professional).toBe(60);
    expect(e.totals.final?.professional).toBe(50);
    expect(e.compliant).toBe(false);
    expect(e.shortfall).toEqual({ public: 0, professional: 10 });
  });

  it('pending declarations do not make a year compliant', () => {
    const e = evaluate(jx, personYear(full.map((a) => ({ ...a, status: 'declared' as const, verified: null }))));
    expect(e.totals.declared.total).toBe(90);
    expect(e.compliant).toBe(false);
  });
});

describe('an authority\'s adjustment to 0 rejects the activity in the final tier only', () => {
  const e = evaluate(jx, finalizedYear([...full, act({ activityId: 'x', category: '8.1', hours: 12, finalHours: 0, finalRejected: true })]));
  const x = e.activities.find((a) => a.activityId === 'x')!;

  it('status shows rejected and it counts 0', () => {
    expect(x.status).toBe('rejected');
    expect(x.hours).toEqual({ claimed: 12, verified: 12, final: 0, counted: 0 });
    expect(x.notes).toEqual([]);
  });

  it('declared and verified keep showing the declarer\'s and the unit\'s view', () => {
    expect(e.totals.declared.professional).toBe(72);
    expect(e.totals.verified.professional).toBe(72);
    expect(e.totals.final?.professional).toBe(60);
  });
});

describe('Art. 14: a voided year counts 0 in every tier', () => {
  it('not finalised: totals 0, final null, not compliant, shortfall the whole requirement', () => {
    const e = evaluate(jx, personYear(full, { status: 'voided' }));
    expect(e.totals).toEqual({ declared: { public: 0, professional: 0, total: 0 }, verified: { public: 0, professional: 0, total: 0 }, final: null });
    expect(e.compliant).toBe(false);
    expect(e.shortfall).toEqual({ public: 30, professional: 60 });
    expect(e.activities.map((a) => [a.hours.counted, a.notes])).toEqual([[0, ['VOIDED']], [0, ['VOIDED']]]);
  });

  it('finalised before: final shows zeros, not null', () => {
    const e = evaluate(jx, finalizedYear(full, { status: 'voided' }));
    expect(e.totals.final).toEqual({ public: 0, professional: 0, total: 0 });
    expect(e.activities[0]?.hours).toEqual({ claimed: 30, verified: 30, final: 30, counted: 0 });
  });

  it('the hours stay on each activity, so a rescission restores the year exactly', () => {
    const voided = evaluate(jx, personYear(full, { status: 'voided' }));
    const restored = evaluate(jx, personYear(full, { status: 'open' }));
    expect(voided.activities.map((a) => a.hours.verified)).toEqual(restored.activities.map((a) => a.hours.verified));
    expect(restored.compliant).toBe(true);
  });
});

describe('Art. 13 make-up: the period shows while the year is short', () => {
  const makeUp = { until: '2025-12-31', reason: 'illness', promotionDelay: true };

  it('short: until, reason and promotion delay are shown', () => {
    expect(evaluate(jx, personYear([], { makeUp })).makeUp).toEqual(makeUp);
  });

  it('compliant: until is null; reason and promotion delay pass through', () => {
    expect(evaluate(jx, personYear(full, { makeUp })).makeUp).toEqual({ until: null, reason: 'illness', promotionDelay: true });
  });

  it('voided: short, so until is shown', () => {
    expect(evaluate(jx, personYear(full, { status: 'voided', makeUp })).makeUp.until).toBe('2025-12-31');
  });
});
