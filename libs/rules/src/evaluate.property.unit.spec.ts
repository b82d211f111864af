/** Properties of the evaluator (RULES.md §3) over random person-years. */
import fc from 'fast-check';
import { evaluate } from './evaluate';
import { defaultRegistry } from './registry';
import { personYear } from './testing';
import { type ActivityInput, CATEGORIES, type Evaluation, type PersonYearInput } from './types';

const jx = defaultRegistry().resolve('jx-2023-trial');
const DATES = ['2024-01-01', '2024-01-02', '2024-03-15', '2024-06-30', '2024-12-31'];
/** Mixed case and digits, so that code-point order differs from locale and numeric order. */
const ID = fc.stringMatching(/^[A-Za-z0-9_-]{1,4}$/);

const activityArb = (keyScope: 'any' | 'category'): fc.Arbitrary<Omit<ActivityInput, 'activityId'>> =>
  fc
    .record({
      category: fc.constantFrom(...CATEGORIES),
      subject: fc.constantFrom('public' as const, 'professional' as const),
      completedOn: fc.constantFrom(...DATES),
      claimed: fc.integer({ min: 0, max: 4000 }),
      status: fc.constantFrom('declared' as const, 'verified' as const, 'verified' as const, 'rejected' as const, 'withdrawn' as const),
      cut: fc.integer({ min: 0, max: 100 }),
      final: fc.option(fc.integer({ min: 0, max: 100 }), { freq: 2 }),
      adjustedToZero: fc.boolean(),
      key: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { freq: 2 }),
    })
    .map(({ category, subject, completedOn, claimed, status, cut, final, adjustedToZero, key }) => {
      // Domain invariants (RULES.md §4): verified ≤ claimed, never 0 unless the claim is 0 (an 8(8)
      // under 1,000 points, approved as claimed); final ≤ verified, only when verified. A final of 0
      // from verified hours above 0 is the authority's rejection; from 0 verified hours, it may be
      // the hours as finalised or an adjustment to 0.
      const verified = status === 'verified' ? (claimed === 0 ? 0 : Math.max(1, Math.floor((claimed * cut) / 100))) : null;
      const finalHours = verified !== null && final !== null ? Math.floor((verified * final) / 100) : null;
      const finalRejected = finalHours === 0 && (verified! > 0 || adjustedToZero);
      const contentKey = key === null ? null : keyScope === 'category' ? `${category}:${key}` : key;
      return { category, subject, title: 't', completedOn, measure: {}, claimed: Math.max(claimed, verified ?? 0), status, verified, final: finalHours, finalRejected, contentKey };
    });

const yearArb = (keyScope: 'any' | 'category' = 'any', maxLength = 30): fc.Arbitrary<PersonYearInput> =>
  fc
    .record({
      ids: fc.uniqueArray(ID, { maxLength }),
      acts: fc.array(activityArb(keyScope), { minLength: maxLength, maxLength }),
      finalized: fc.boolean(),
      voided: fc.boolean(),
    })
    .map(({ ids, acts, finalized, voided }) =>
      personYear(ids.map((activityId, i) => ({ activityId, ...acts[i]! })), { finalized, status: voided ? 'voided' : finalized ? 'finalized' : 'confirmed' }),
    );

const decidingHours = (py: PersonYearInput, a: ActivityInput): number | null =>
  py.finalized
    ? a.final !== null && !a.finalRejected ? a.final : null
    : a.status === 'withdrawn' || a.status === 'rejected' ? null : a.status === 'verified' ? a.verified ?? a.claimed : a.verified;
const h = (x: number): number => Math.round(x * 100);
const RUNS = { numRuns: 300 };

describe('evaluator properties', () => {
  it('counted ≤ claimed for every activity, and ≤ the deciding tier\'s hours', () => {
    fc.assert(fc.property(yearArb(), (py) => {
      const e = evaluate(jx, py, { explain: false });
      e.activities.forEach((s, i) => {
        const a = py.activities[i]!;
        expect(h(s.hours.counted)).toBeLessThanOrEqual(a.claimed);
        expect(h(s.hours.counted)).toBeLessThanOrEqual(decidingHours(py, a) ?? 0);
      });
    }), RUNS);
  });

  it('each capped item counts at most its cap (8(6) over both subjects)', () => {
    fc.assert(fc.property(yearArb(), (py) => {
      const e = evaluate(jx, py, { explain: false });
      for (const c of CATEGORIES) {
        const cap = jx.items[c].cap;
        if (cap === null) continue;
        const sum = e.activities.filter((a) => a.category === c).reduce((s, a) => s + h(a.hours.counted), 0);
        expect(sum).toBeLessThanOrEqual(h(cap));
      }
    }), RUNS);
  });

  it('the deciding tier\'s totals are the sums of counted; total = public + professional', () => {
    fc.assert(fc.property(yearArb(), (py) => {
      const e = evaluate(jx, py, { explain: false });
      const deciding = py.finalized ? e.totals.final! : e.totals.verified;
      const sum = (subject: string): number => e.activities.filter((a) => a.subject === subject).reduce((s, a) => s + h(a.hours.counted), 0);
      expect(h(deciding.public)).toBe(sum('public'));
      expect(h(deciding.professional)).toBe(sum('professional'));
      for (const t of [e.totals.declared, e.totals.verified, e.totals.final]) if (t) expect(h(t.total)).toBe(h(t.public) + h(t.professional));
    }), RUNS);
  });

  it('does not depend on the order activities are given in', () => {
    const byId = (e: Evaluation): Evaluation => ({ ...e, activities: [...e.activities].sort((a, b) => (a.activityId < b.activityId ? -1 : 1)) });
    fc.assert(fc.property(yearArb(), fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })), (py, stream) => {
      const shuffled = py.activities.map((a) => ({ a, r: stream.next().value as number })).sort((x, y) => x.r - y.r).map((x) => x.a);
      expect(byId(evaluate(jx, { ...py, activities: shuffled }))).toEqual(byId(evaluate(jx, py)));
    }), RUNS);
  });

  it('adding an activity never lowers its tier\'s total (content keys shared within an item)', () => {
    fc.assert(fc.property(yearArb('category', 20), activityArb('category'), ID, (py, extra, id) => {
      fc.pre(!py.activities.some((a) => a.activityId === id));
      const before = evaluate(jx, py, { explain: false }).totals;
      const after = evaluate(jx, { ...py, activities: [...py.activities, { activityId: id, ...extra }] }, { explain: false }).totals;
      expect(h(after.declared.total)).toBeGreaterThanOrEqual(h(before.declared.total));
      expect(h(after.verified.total)).toBeGreaterThanOrEqual(h(before.verified.total));
      if (before.final && after.final) expect(h(after.final.total)).toBeGreaterThanOrEqual(h(before.final.total));
    }), RUNS);
  });

  it('explain on or off gives the same numbers', () => {
    fc.assert(fc.property(yearArb(), (py) => {
      const strip = (e: Evaluation): Evaluation => ({ ...e, activities: e.activities.map((a) => ({ ...a, explanation: [] })) });
      expect(strip(evaluate(jx, py))).toEqual(evaluate(jx, py, { explain: false }));
    }), { numRuns: 200 });
  });

  it('an activity shows rejected exactly when the unit or the authority rejected it (a final of 0 alone is no rejection)', () => {
    fc.assert(fc.property(yearArb(), (py) => {
      const e = evaluate(jx, py, { explain: true });
      py.activities.forEach((a, i) => {
        const shown = e.activities[i]!;
        expect(shown.status === 'rejected').toBe(a.status === 'rejected' || a.finalRejected);
        expect(shown.explanation.some((s) => s.code === 'AUTHORITY_REJECTED')).toBe(py.finalized && a.finalRejected && a.status !== 'withdrawn' && a.status !== 'rejected');
      });
    }), RUNS);
  });
});
