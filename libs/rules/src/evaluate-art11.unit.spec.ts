/** Art. 11 (RULES.md §3): the same content counts once, at its highest hours, before the caps. */
import { evaluate } from './evaluate';
import { defaultRegistry } from './registry';
import { activity as act, finalizedYear, personYear } from './testing';
import type { Evaluation } from './types';

const jx = defaultRegistry().resolve('jx-2023-trial');
const counted = (e: Evaluation): Record<string, number> => Object.fromEntries(e.activities.map((a) => [a.activityId, a.hours.counted]));
const notes = (e: Evaluation): Record<string, string[]> => Object.fromEntries(e.activities.map((a) => [a.activityId, a.notes]));

describe('Art. 11: activities sharing a contentKey count once', () => {
  it('the one with the most hours counts; the others count 0 and say ART11_SUPERSEDED', () => {
    const e = evaluate(jx, personYear([
      act({ activityId: 'a', category: '8.1', hours: 12, contentKey: 'k', completedOn: '2024-01-01' }),
      act({ activityId: 'b', category: '8.2', hours: 16, contentKey: 'k', completedOn: '2024-05-01' }),
      act({ activityId: 'c', category: '8.1', hours: 12 }),
    ]));
    expect(counted(e)).toEqual({ a: 0, b: 16, c: 12 });
    expect(notes(e)).toEqual({ a: ['ART11_SUPERSEDED'], b: [], c: [] });
  });

  it('tie on hours: the earliest completedOn counts', () => {
    const e = evaluate(jx, personYear([
      act({ activityId: 'a', category: '8.1', hours: 8, contentKey: 'k', completedOn: '2024-04-01' }),
      act({ activityId: 'b', category: '8.1', hours: 8, contentKey: 'k', completedOn: '2024-03-01' }),
    ]));
    expect(counted(e)).toEqual({ a: 0, b: 8 });
  });

  it('tie on hours and date: the smallest activityId in code-point order counts ("Z" before "a")', () => {
    const e = evaluate(jx, personYear([
      act({ activityId: 'a', category: '8.1', hours: 8, contentKey: 'k' }),
      act({ activityId: 'Z', category: '8.1', hours: 8, contentKey: 'k' }),
    ]));
    expect(counted(e)).toEqual({ a: 0, Z: 8 });
  });

  it('a superseded activity uses up no cap', () => {
    const e = evaluate(jx, personYear([
      act({ activityId: 'a', category: '8.3', hours: 8, contentKey: 'k', completedOn: '2024-01-01' }),
      act({ activityId: 'b', category: '8.3', hours: 8, contentKey: 'k', completedOn: '2024-02-01' }),
      act({ activityId: 'c', category: '8.3', hours: 4, completedOn: '2024-03-01' }),
    ]));
    expect(counted(e)).toEqual({ a: 8, b: 0, c: 2 });
    expect(notes(e)).toEqual({ a: [], b: ['ART11_SUPERSEDED'], c: ['CAPPED'] });
  });

  it('is applied per tier with that tier\'s hours (the unit cut a, so b counts in verified)', () => {
    const e = evaluate(jx, personYear([
      act({ activityId: 'a', category: '8.1', hours: 10, verifiedHours: 6, contentKey: 'k', completedOn: '2024-01-01' }),
      act({ activityId: 'b', category: '8.1', hours: 8, contentKey: 'k', completedOn: '2024-02-01' }),
    ]));
    expect(e.totals.declared.professional).toBe(10);
    expect(e.totals.verified.professional).toBe(8);
    expect(counted(e)).toEqual({ a: 0, b: 8 });
  });

  it('an activity outside the tier (pending) does not supersede one inside it', () => {
    const e = evaluate(jx, personYear([
      act({ activityId: 'a', category: '8.1', hours: 20, status: 'declared', contentKey: 'k' }),
      act({ activityId: 'b', category: '8.1', hours: 8, contentKey: 'k' }),
    ]));
    expect(e.totals.declared.professional).toBe(20);
    expect(counted(e)).toEqual({ a: 0, b: 8 });
    expect(notes(e)).toEqual({ a: [], b: [] });
  });

  it('an authority-rejected activity (final 0) does not supersede in the final tier', () => {
    const e = evaluate(jx, finalizedYear([
      act({ activityId: 'a', category: '8.1', hours: 20, finalHours: 0, finalRejected: true, contentKey: 'k' }),
      act({ activityId: 'b', category: '8.1', hours: 8, contentKey: 'k' }),
    ]));
    expect(counted(e)).toEqual({ a: 0, b: 8 });
    expect(e.totals.final?.professional).toBe(8);
  });

  it('the winner may carry another subject: the content counts once, in the winner\'s subject', () => {
    const e = evaluate(jx, personYear([
      act({ activityId: 'a', category: '8.1', subject: 'public', hours: 6, contentKey: 'k' }),
      act({ activityId: 'b', category: '10', subject: 'professional', hours: 9, contentKey: 'k' }),
    ]));
    expect(e.totals.verified).toEqual({ public: 0, professional: 9, total: 9 });
  });

  it('before caps: a winner in a full capped item can lower the total (binding order of RULES.md §3)', () => {
    const base = [act({ activityId: 'a', category: '8.1', hours: 5, contentKey: 'k' }), act({ activityId: 'c', category: '8.3', hours: 10, completedOn: '2024-01-01' })];
    const before = evaluate(jx, personYear(base));
    const after = evaluate(jx, personYear([...base, act({ activityId: 'b', category: '8.3', hours: 6, contentKey: 'k', completedOn: '2024-02-01' })]));
    expect(before.totals.verified.professional).toBe(15);
    expect(after.totals.verified.professional).toBe(10);
    expect(notes(after)).toEqual({ a: ['ART11_SUPERSEDED'], c: [], b: ['CAPPED'] });
  });

  it('many keyed activities (more than 32: the Map path) give the same winners', () => {
    const acts = Array.from({ length: 40 }, (_, i) =>
      act({ activityId: `x${String(i).padStart(2, '0')}`, category: '8.1', hours: 1 + (i % 4), contentKey: `k${i % 10}` }),
    );
    const e = evaluate(jx, personYear(acts));
    // Groups k0…k9 hold i, i+10, i+20, i+30 with hours 1 + i % 4: the highest of each group counts.
    const expected = Array.from({ length: 10 }, (_, g) => Math.max(...[g, g + 10, g + 20, g + 30].map((i) => 1 + (i % 4)))).reduce((s, x) => s + x, 0);
    expect(e.totals.verified.professional).toBe(expected);
    expect(e.activities.filter((a) => a.notes.includes('ART11_SUPERSEDED'))).toHaveLength(30);
  });
});
