/** Hour arithmetic (RULES.md §2 Decision): exact rounding half-up, robust conversion of JSON hours. */
import fc from 'fast-check';
import { formatHours, fromHours, roundHalfUp, toHours, tryFromHours } from './hundredths';

describe('roundHalfUp: n/d rounded half-up with integers only', () => {
  it.each<[number, number, number]>([
    [1, 2, 1], // 0.5 → 1 (half up, not to even)
    [5, 2, 3], // 2.5 → 3 (not 2, as banker's rounding would)
    [3, 4, 1], // 0.75 → 1
    [1, 4, 0], // 0.25 → 0
    [10000, 45, 222], // 100 minutes: 222.22… hundredths
    [20000, 45, 444], // Art. 10, 100 minutes: 444.44…
    [700, 45, 16], // 7 minutes: 15.55… → 16
    [0, 45, 0],
  ])('roundHalfUp(%i, %i) = %i', (n, d, expected) => {
    expect(roundHalfUp(n, d)).toBe(expected);
  });

  it('agrees with exact rational rounding for any non-negative n and positive d', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 100000 }), (n, d) => {
        const r = roundHalfUp(n, d);
        // r is the half-up rounding iff r - 1/2 ≤ n/d < r + 1/2, i.e. 2r·d - d ≤ 2n < 2r·d + d.
        return Number.isInteger(r) && (2 * r - 1) * d <= 2 * n && 2 * n < (2 * r + 1) * d;
      }),
      { numRuns: 300 },
    );
  });
});

describe('hours ↔ hundredths', () => {
  it.each<[number, number]>([[0.29, 29], [0.1, 10], [1.1, 110], [2000, 200000], [12.5, 1250], [4.35, 435], [1.15, 115]])('%d h = %i hundredths', (h, x) => {
    expect(fromHours(h)).toBe(x);
    expect(toHours(x)).toBe(h);
  });

  it.each([1.005, 0.001, 2.345, Number.NaN, Number.POSITIVE_INFINITY])('refuses %d (more than 2 decimals or not finite)', (h) => {
    expect(tryFromHours(h)).toBeUndefined();
    expect(() => fromHours(h)).toThrow(RangeError);
  });

  it('round-trips every value with 2 decimals up to 2000', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 200000 }), (x) => tryFromHours(toHours(x)) === x), { numRuns: 500 });
  });

  it.each<[number, string]>([[3000, '30.00'], [222, '2.22'], [5, '0.05'], [0, '0.00'], [-150, '-1.50']])('formatHours(%i) = %s', (x, s) => {
    expect(formatHours(x)).toBe(s);
  });
});
