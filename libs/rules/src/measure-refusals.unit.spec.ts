/** RULES.md §2 and API.md bounds: every malformed measure is refused, naming the field and why. */
import { defaultRegistry } from './registry';
import { type MeasureRequest, validateMeasure } from './measure';
import type { MeasureError } from './types';

const jx = defaultRegistry().resolve('jx-2023-trial');

type Row = [rule: string, request: MeasureRequest, errors: MeasureError[]];
const err = (field: string, reason: string): MeasureError => ({ field, reason: expect.stringContaining(reason) as unknown as string });

const pub = (measure: unknown, category = '8.1'): MeasureRequest => ({ category, subject: 'public', measure });
const pro = (measure: unknown, category: string): MeasureRequest => ({ category, measure });

const rows: Row[] = [
  // Category and subject.
  ['an unknown category is refused', { category: '8.9', measure: { hours: 1 } }, [err('category', 'unknown category')]],
  ['a category that is not a string is refused', { category: 8.1, measure: { hours: 1 } }, [err('category', 'unknown category')]],
  ['8(1) needs a declared subject', { category: '8.1', measure: { hours: 1 } }, [err('subject', 'required')]],
  ['8(2) needs a declared subject', { category: '8.2', subject: null, measure: { hours: 1 } }, [err('subject', 'required')]],
  ['8(6) needs a declared subject (the courses\' subject)', { category: '8.6', measure: { courses: 1 } }, [err('subject', 'required')]],
  ['an unknown subject is refused', { category: '10', subject: 'both', measure: { minutes: 10 } }, [err('subject', 'must be')]],
  ['a subject contradicting a fixed item (8(3) professional) is refused', { category: '8.3', subject: 'public', measure: { hours: 1 } }, [err('subject', 'professional hours only')]],
  ['a subject contradicting 8(8) (public) is refused', { category: '8.8', subject: 'professional', measure: { points: 1000 } }, [err('subject', 'public hours only')]],
  ['a subject contradicting 9(1) is refused', { category: '9.1', subject: 'public' }, [err('subject', 'professional hours only')]],
  // The measure's shape.
  ['a missing measure is refused (8(1))', { category: '8.1', subject: 'public' }, [err('measure', 'required')]],
  ['a missing measure is refused (9(2))', { category: '9.2' }, [err('measure', 'required')]],
  ['a measure that is not an object is refused', pub(12), [err('measure', 'must be an object')]],
  ['a null measure is refused', pub(null), [err('measure', 'must be an object')]],
  ['an array measure is refused', pub([1]), [err('measure', 'must be an object')]],
  ['an empty measure is refused where time is needed', pub({}), [err('measure', 'give one of hours, minutes, days')]],
  ['an unknown measure field is refused', pub({ hours: 1, weeks: 1 }), [err('measure.weeks', 'unknown field')]],
  ['`courses` does not belong to 8(1)', pub({ hours: 1, courses: 1 }), [err('measure.courses', 'not a measure of item 8.1')]],
  ['`hours` does not belong to 8(5)', pro({ hours: 3 }, '8.5'), [err('measure.hours', 'not a measure of item 8.5'), err('measure', 'give one of minutes, days')]],
  ['`days` does not belong to 10', pro({ days: 1 }, '10'), [err('measure.days', 'not a measure of item 10'), err('measure', 'give one of minutes')]],
  ['`level` does not belong to 9(2)', pro({ level: 'national' }, '9.2'), [err('measure.level', 'not a measure of item 9.2'), err('measure.kind', 'required')]],
  ['`kind` does not belong to 8(7)', pro({ kind: 'sole', level: 'junior' }, '8.7'), [err('measure.kind', 'not a measure of item 8.7')]],
  ['9(1) takes no measure field', pro({ kind: 'sole' }, '9.1'), [err('measure.kind', 'not a measure of item 9.1')]],
  ['hours and minutes together are refused', pub({ hours: 1, minutes: 60 }), [err('measure', 'give only one of hours, minutes')]],
  ['minutes and days together are refused', pub({ minutes: 60, days: 1 }), [err('measure', 'give only one of minutes, days')]],
  ['hours, minutes and days together are refused', pub({ hours: 1, minutes: 60, days: 1 }), [err('measure', 'give only one of hours, minutes, days')]],
  ['extraMinutes without days is refused', pub({ extraMinutes: 30 }), [err('measure', 'give one of'), err('measure.extraMinutes', 'only together with days')]],
  ['extraMinutes with minutes is refused', pub({ minutes: 30, extraMinutes: 30 }), [err('measure.extraMinutes', 'only together with days')]],
  // Bounds and number formats.
  ['negative hours are refused', pub({ hours: -1 }), [err('measure.hours', 'greater than 0')]],
  ['zero hours are refused', pub({ hours: 0 }), [err('measure.hours', 'greater than 0')]],
  ['hours with 3 decimals are refused', pub({ hours: 1.005 }), [err('measure.hours', 'at most 2 decimals')]],
  ['hours above 2000 are refused', pub({ hours: 2000.01 }), [err('measure.hours', 'at most 2000')]],
  ['non-finite hours are refused', pub({ hours: Number.POSITIVE_INFINITY }), [err('measure.hours', 'finite')]],
  ['NaN hours are refused', pub({ hours: Number.NaN }), [err('measure.hours', 'finite')]],
  ['hours as a string are refused', pub({ hours: '2' }), [err('measure.hours', 'must be a number')]],
  ['zero minutes are refused', pub({ minutes: 0 }), [err('measure.minutes', 'between 1 and 527040')]],
  ['negative minutes are refused', pub({ minutes: -45 }), [err('measure.minutes', 'between 1 and 527040')]],
  ['fractional minutes are refused', pub({ minutes: 1.5 }), [err('measure.minutes', 'whole number')]],
  ['minutes above 527040 are refused', pub({ minutes: 527041 }), [err('measure.minutes', 'between 1 and 527040')]],
  ['zero days are refused', pub({ days: 0 }), [err('measure.days', 'between 1 and 366')]],
  ['fractional days are refused', pub({ days: 1.5 }), [err('measure.days', 'whole number')]],
  ['367 days are refused', pub({ days: 367 }), [err('measure.days', 'between 1 and 366')]],
  ['extraMinutes of 360 (a whole day) are refused', pub({ days: 1, extraMinutes: 360 }), [err('measure.extraMinutes', 'between 0 and 359')]],
  ['negative extraMinutes are refused', pub({ days: 1, extraMinutes: -1 }), [err('measure.extraMinutes', 'between 0 and 359')]],
  ['fractional extraMinutes are refused', pub({ days: 1, extraMinutes: 0.5 }), [err('measure.extraMinutes', 'whole number')]],
  ['0 courses are refused', pub({ courses: 0 }, '8.6'), [err('measure.courses', 'between 1 and 20')]],
  ['21 courses are refused', pub({ courses: 21 }, '8.6'), [err('measure.courses', 'between 1 and 20')]],
  ['fractional courses are refused', pub({ courses: 1.5 }, '8.6'), [err('measure.courses', 'whole number')]],
  ['missing courses are refused', pub({}, '8.6'), [err('measure.courses', 'required')]],
  ['negative points are refused', pro({ points: -1 }, '8.8'), [err('measure.points', 'between 0 and 10000000')]],
  ['points above 10,000,000 are refused', pro({ points: 10_000_001 }, '8.8'), [err('measure.points', 'between 0 and 10000000')]],
  ['fractional points are refused', pro({ points: 1000.5 }, '8.8'), [err('measure.points', 'whole number')]],
  ['missing points are refused', pro({}, '8.8'), [err('measure.points', 'required')]],
  ['an unknown level is refused (8(7))', pro({ level: 'expert' }, '8.7'), [err('measure.level', 'unknown level "expert"; one of junior, intermediate, senior')]],
  ['an unknown level is refused (9(4))', pro({ level: 'county' }, '9.4'), [err('measure.level', 'unknown level "county"')]],
  ['a missing level is refused (9(5))', pro({}, '9.5'), [err('measure.level', 'required: one of national, provincial, municipal')]],
  ['a level that is not a string is refused', pro({ level: 3 }, '8.7'), [err('measure.level', 'must be a string')]],
  ['an unknown kind is refused (9(3))', pro({ kind: 'trademark' }, '9.3'), [err('measure.kind', 'unknown kind "trademark"')]],
  ['an unknown kind is refused (9(2))', pro({ kind: 'translated' }, '9.2'), [err('measure.kind', 'unknown kind "translated"')]],
];

describe('malformed measures are refused with the field path and a reason', () => {
  it.each(rows)('%s', (_rule, request, errors) => {
    const result = validateMeasure(jx, request);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual(expect.arrayContaining(errors));
    if (!result.ok) expect(result.errors).toHaveLength(errors.length);
  });

  it('reports every wrong field of one request at once', () => {
    const result = validateMeasure(jx, { category: '8.3', subject: 'public', measure: { hours: 1.001, courses: 2 } });
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'subject', reason: expect.any(String) },
        { field: 'measure.hours', reason: 'must have at most 2 decimals' },
        { field: 'measure.courses', reason: expect.any(String) },
      ],
    });
  });

  it('ignores measure fields whose value is undefined (absent in JSON)', () => {
    expect(validateMeasure(jx, pub({ hours: 2, minutes: undefined }))).toEqual({ ok: true, hours: 200, subject: 'public' });
  });
});
