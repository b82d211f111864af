/** RULES.md §3: one test per decision on what a person-year counts. */
import { evaluate } from './evaluate';
import { defaultRegistry } from './registry';
import { activity as act, personYear } from './testing';
import type { ActivityStatement, Evaluation } from './types';

const jx = defaultRegistry().resolve('jx-2023-trial');
const run = (py: Parameters<typeof evaluate>[1]): Evaluation => evaluate(jx, py);
const byId = (e: Evaluation, id: string): ActivityStatement => e.activities.find((a) => a.activityId === id)!;
const counted = (e: Evaluation): Record<string, number> => Object.fromEntries(e.activities.map((a) => [a.activityId, a.hours.counted]));
const notes = (e: Evaluation): Record<string, string[]> => Object.fromEntries(e.activities.map((a) => [a.activityId, a.notes]));

describe('Art. 6: public ≥ 30 and professional ≥ 60, each on its own', () => {
  it('is compliant with 30 public and 60 professional', () => {
    const e = run(personYear([act({ activityId: 'p', category: '8.1', subject: 'public', hours: 30 }), act({ activityId: 'q', category: '8.1', hours: 60 })]));
    expect(e.requirement).toEqual({ public: 30, professional: 60, total: 90 });
    expect(e.totals.verified).toEqual({ public: 30, professional: 60, total: 90 });
    expect(e.compliant).toBe(true);
    expect(e.shortfall).toEqual({ public: 0, professional: 0 });
  });

  it('surplus in professional never covers a public shortfall (total 100 is not enough)', () => {
    const e = run(personYear([act({ activityId: 'p', category: '8.1', subject: 'public', hours: 20 }), act({ activityId: 'q', category: '8.1', hours: 80 })]));
    expect(e.totals.verified.total).toBe(100);
    expect(e.compliant).toBe(false);
    expect(e.shortfall).toEqual({ public: 10, professional: 0 });
  });

  it('surplus in public never covers a professional shortfall', () => {
    const e = run(personYear([act({ activityId: 'p', category: '8.1', subject: 'public', hours: 70 }), act({ activityId: 'q', category: '8.1', hours: 59.99 })]));
    expect(e.compliant).toBe(false);
    expect(e.shortfall).toEqual({ public: 0, professional: 0.01 });
  });

  it('an empty year is short by the whole requirement', () => {
    const e = run(personYear([]));
    expect(e.shortfall).toEqual({ public: 30, professional: 60 });
    expect(e.totals).toEqual({ declared: { public: 0, professional: 0, total: 0 }, verified: { public: 0, professional: 0, total: 0 }, final: null });
  });
});

describe('hour arithmetic: each activity rounded once, then sums in hundredths', () => {
  it('three activities of 100 minutes give 3 × 2.22 = 6.66, not 300 ÷ 45 = 6.67', () => {
    const ids = ['a', 'b', 'c'];
    const e = run(personYear(ids.map((id) => act({ activityId: id, category: '8.1', hours: 2.22, measure: { minutes: 100 } }))));
    expect(e.totals.verified.professional).toBe(6.66);
  });

  it('sums of hundredths stay exact where floats would not (0.1 + 0.2)', () => {
    const e = run(personYear([act({ activityId: 'a', category: '8.1', hours: 0.1 }), act({ activityId: 'b', category: '8.1', hours: 0.2 })]));
    expect(e.totals.verified.professional).toBe(0.3);
  });
});

describe('caps (Arts. 8–10): counted in order of completedOn, then activityId; the crossing one is cut', () => {
  it('8(3) cap 10: the one that crosses is cut to what remains, later ones count 0, both say CAPPED', () => {
    const e = run(personYear([
      act({ activityId: 'c', category: '8.3', hours: 3, completedOn: '2024-03-01' }),
      act({ activityId: 'a', category: '8.3', hours: 6, completedOn: '2024-01-01' }),
      act({ activityId: 'b', category: '8.3', hours: 6, completedOn: '2024-02-01' }),
    ]));
    expect(counted(e)).toEqual({ a: 6, b: 4, c: 0 });
    expect(notes(e)).toEqual({ a: [], b: ['CAPPED'], c: ['CAPPED'] });
    expect(e.totals.verified.professional).toBe(10);
  });

  it('one that exactly reaches the cap is not CAPPED; the next one is', () => {
    const e = run(personYear([
      act({ activityId: 'a', category: '8.5', hours: 8, completedOn: '2024-01-01' }),
      act({ activityId: 'b', category: '8.5', hours: 2, completedOn: '2024-01-02' }),
      act({ activityId: 'c', category: '8.5', hours: 1, completedOn: '2024-01-03' }),
    ]));
    expect(counted(e)).toEqual({ a: 8, b: 2, c: 0 });
    expect(notes(e)).toEqual({ a: [], b: [], c: ['CAPPED'] });
  });

  it('on the same day, activityId decides in code-point order ("a10" before "a9", "B" before "a")', () => {
    const e = run(personYear([
      act({ activityId: 'a9', category: '9.3', hours: 5, measure: { kind: 'invention' } }),
      act({ activityId: 'a10', category: '9.3', hours: 5, measure: { kind: 'invention' } }),
      act({ activityId: 'B', category: '9.3', hours: 3, measure: { kind: 'utility' } }),
    ]));
    expect(counted(e)).toEqual({ B: 3, a10: 5, a9: 2 });
  });

  it('8(6): the cap of 30 covers the courses of both subjects together', () => {
    const e = run(personYear([
      act({ activityId: 'pub', category: '8.6', subject: 'public', hours: 20, completedOn: '2024-01-10' }),
      act({ activityId: 'pro', category: '8.6', subject: 'professional', hours: 20, completedOn: '2024-06-10' }),
    ]));
    expect(counted(e)).toEqual({ pub: 20, pro: 10 });
    expect(e.totals.verified).toEqual({ public: 20, professional: 10, total: 30 });
    expect(byId(e, 'pro').notes).toEqual(['CAPPED']);
  });

  it.each<[string, '8.3' | '8.4' | '8.5' | '8.6' | '8.8' | '9.1' | '9.2' | '9.3' | '9.4' | '9.5' | '10', number]>([
    ['8(3)', '8.3', 10], ['8(4)', '8.4', 30], ['8(5)', '8.5', 10], ['8(6)', '8.6', 30], ['8(8)', '8.8', 10], ['9(1)', '9.1', 30],
    ['9(2)', '9.2', 30], ['9(3)', '9.3', 10], ['9(4)', '9.4', 30], ['9(5)', '9.5', 60], ['10', '10', 20],
  ])('%s is capped at %s… per year', (_article, category, cap) => {
    const many = [1, 2, 3, 4].map((k) => act({ activityId: `x${k}`, category, hours: 25, completedOn: `2024-0${k}-01` }));
    const e = run(personYear(many));
    expect(e.activities.reduce((s, a) => s + a.hours.counted, 0)).toBe(cap);
  });

  it('uncapped items (8(1), 8(2), 8(7)) count in full', () => {
    const e = run(personYear([
      act({ activityId: 'a', category: '8.1', hours: 500 }),
      act({ activityId: 'b', category: '8.2', hours: 500 }),
      act({ activityId: 'c', category: '8.7', hours: 30 }),
      act({ activityId: 'd', category: '8.7', hours: 30 }),
    ]));
    expect(e.totals.verified.professional).toBe(1060);
  });

  it('caps work on the tier\'s hours: the unit\'s hours in verified, the claimed ones in declared', () => {
    const e = run(personYear([
      act({ activityId: 'a', category: '8.3', hours: 8, verifiedHours: 4, completedOn: '2024-01-01' }),
      act({ activityId: 'b', category: '8.3', hours: 8, completedOn: '2024-02-01' }),
    ]));
    expect(e.totals.declared.professional).toBe(10);
    expect(e.totals.verified.professional).toBe(10);
    expect(counted(e)).toEqual({ a: 4, b: 6 });
  });
});
