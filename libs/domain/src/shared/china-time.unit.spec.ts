import fc from 'fast-check';
import { chinaDate, isCalendarDate } from './china-time';

/** What a calendar date is, as the JavaScript Date writes one back (the reference). */
const writtenBackByDate = (value: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
};

const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''));

describe('isCalendarDate (RULES.md §4: dates that exist)', () => {
  it.each([
    ['2024-02-29', true], ['2023-02-29', false], ['2000-02-29', true], ['1900-02-29', false], ['2100-02-29', false],
    ['2024-04-30', true], ['2024-04-31', false], ['2024-12-31', true], ['2024-13-01', false], ['2024-00-10', false],
    ['2024-01-00', false], ['2024-1-01', false], ['2024-01-01T00:00', false], [' 2024-01-01', false], ['２０２４-01-01', false],
  ])('%s → %s', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });

  it('agrees with the JavaScript Date on every YYYY-MM-DD of digits', () => {
    fc.assert(
      fc.property(digits(4), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 33 }), (year, month, day) => {
        const value = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        expect(isCalendarDate(value)).toBe(writtenBackByDate(value));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('chinaDate (UTC+8, RULES.md §4)', () => {
  it('turns the day at 16:00 UTC, whatever was asked before', () => {
    const asked: Array<[string, string]> = [
      ['2024-12-31T15:59:59.999Z', '2024-12-31'],
      ['2024-12-31T16:00:00.000Z', '2025-01-01'],
      ['2024-12-31T15:59:59.999Z', '2024-12-31'],
      ['2024-12-31T16:00:00.000Z', '2025-01-01'],
      ['2024-12-31T16:00:00.000Z', '2025-01-01'],
      ['2024-03-01T07:00:00.000+08:00', '2024-03-01'],
    ];
    for (const [instant, date] of asked) expect(chinaDate(instant)).toBe(date);
    expect(chinaDate(new Date('2024-12-31T16:00:00.000Z'))).toBe('2025-01-01');
    expect(chinaDate(new Date('2024-12-31T16:00:00.000Z'))).toBe('2025-01-01');
    expect(chinaDate(new Date('2024-12-31T15:59:59.999Z'))).toBe('2024-12-31');
    expect(chinaDate('2024-12-31T16:00:00.000Z')).toBe('2025-01-01');
  });

  it('refuses an instant that is not one, each time it is asked', () => {
    expect(() => chinaDate('not a time')).toThrow(RangeError);
    expect(() => chinaDate('not a time')).toThrow(RangeError);
    expect(() => chinaDate(new Date(NaN))).toThrow(RangeError);
    expect(() => chinaDate(new Date(NaN))).toThrow(RangeError);
  });
});
