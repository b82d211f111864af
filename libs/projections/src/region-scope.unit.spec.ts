import fc from 'fast-check';
import { regionCovers } from '@jx/domain';
import { cityOf, regionRange } from './region-scope';

const code = fc.stringMatching(/^[0-9]{6}$/);

/** Scopes as authorities hold them (a province, city, county), plus an odd one, near the region; and Jiangxi's. */
function scopeNear(region: string, kind: number): string {
  return [`${region.slice(0, 2)}0000`, `${region.slice(0, 4)}00`, region, `${region.slice(0, 3)}000`, '360000'][kind]!;
}

describe('regionRange', () => {
  it('covers exactly the regions regionCovers covers (RULES.md §1)', () => {
    fc.assert(
      fc.property(code, code, fc.integer({ min: 0, max: 4 }), (near, other, kind) => {
        const scope = scopeNear(near, kind);
        const { from, to } = regionRange(scope);
        for (const region of [near, other]) expect(region >= from && region <= to).toBe(regionCovers(scope, region));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['360000', '000000', '999999'],
    ['350000', '350000', '359999'],
    ['360100', '360100', '360199'],
    ['360102', '360102', '360102'],
  ])('%s spans %s to %s', (scope, from, to) => {
    expect(regionRange(scope)).toEqual({ from, to });
  });
});

it('RULES.md §1: 360000 covers every unit, also one registered under a code outside Jiangxi; other scopes cover their own codes', () => {
  expect(['360102', '361123', '110101', '350100'].map((region) => regionCovers('360000', region))).toEqual([true, true, true, true]);
  expect(['350102', '360102'].map((region) => regionCovers('350000', region))).toEqual([true, false]);
  expect(['360102', '110101'].map((region) => regionCovers('360100', region))).toEqual([true, false]);
});

describe('cityOf', () => {
  it.each([
    ['360100', '3601'],
    ['360000', null],
    ['360102', null],
  ])('%s is the city %s', (scope, city) => {
    expect(cityOf(scope)).toBe(city);
  });

  it("names the city exactly when regionRange spans a city's codes", () => {
    fc.assert(
      fc.property(code, fc.integer({ min: 0, max: 4 }), (near, kind) => {
        const scope = scopeNear(near, kind);
        const { from, to } = regionRange(scope);
        const city = cityOf(scope);
        expect(city === null ? null : { from, to }).toEqual(city === null ? null : { from: `${city}00`, to: `${city}99` });
        if (city === null) expect(from === to || from.endsWith('0000')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
