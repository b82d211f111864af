/** RULES.md §2, one row per measure, level and kind of every item: what a valid measure earns. */
import { defaultRegistry } from './registry';
import { validateMeasure } from './measure';
import type { Category, Measure, Subject } from './types';

const jx = defaultRegistry().resolve('jx-2023-trial');

type Row = [rule: string, category: Category, subject: Subject | undefined, measure: Measure | undefined, hours: number, resolved: Subject];

const rows: Row[] = [
  // 8(1) organised training: actual time, subject declared, no cap.
  ['8(1) hours: actual time, 2 decimals', '8.1', 'public', { hours: 12.5 }, 1250, 'public'],
  ['8(1) hours: 0.29 is taken exactly (not 0.28)', '8.1', 'public', { hours: 0.29 }, 29, 'public'],
  ['8(1) minutes: Art. 7, 45 minutes = 1 学时', '8.1', 'professional', { minutes: 90 }, 200, 'professional'],
  ['8(1) minutes: 100 ÷ 45 = 2.222… rounds to 2.22', '8.1', 'public', { minutes: 100 }, 222, 'public'],
  ['8(1) days: Art. 7, 1 day = 8 学时', '8.1', 'public', { days: 2 }, 1600, 'public'],
  ['8(1) days + extraMinutes: 3 × 8 + 270 ÷ 45 = 30', '8.1', 'public', { days: 3, extraMinutes: 270 }, 3000, 'public'],
  ['8(1) days + extraMinutes 0', '8.1', 'professional', { days: 1, extraMinutes: 0 }, 800, 'professional'],
  ['8(1) days + extraMinutes 359: a part day under 360 minutes counts actual time', '8.1', 'public', { days: 1, extraMinutes: 359 }, 1598, 'public'],
  // 8(2) advanced seminars: as 8(1).
  ['8(2) hours', '8.2', 'professional', { hours: 16 }, 1600, 'professional'],
  ['8(2) minutes', '8.2', 'public', { minutes: 45 }, 100, 'public'],
  ['8(2) days + extraMinutes', '8.2', 'professional', { days: 5, extraMinutes: 90 }, 4200, 'professional'],
  // 8(3) the unit's own training: professional.
  ['8(3) hours, professional fixed', '8.3', undefined, { hours: 4 }, 400, 'professional'],
  ['8(3) minutes', '8.3', 'professional', { minutes: 135 }, 300, 'professional'],
  ['8(3) days', '8.3', undefined, { days: 1 }, 800, 'professional'],
  // 8(4) study visits, full-time further study: professional.
  ['8(4) hours', '8.4', undefined, { hours: 20 }, 2000, 'professional'],
  ['8(4) minutes', '8.4', undefined, { minutes: 450 }, 1000, 'professional'],
  ['8(4) days + extraMinutes', '8.4', undefined, { days: 4, extraMinutes: 45 }, 3300, 'professional'],
  // 8(5) conferences and lectures: days × 8, part day actual time.
  ['8(5) days', '8.5', undefined, { days: 1 }, 800, 'professional'],
  ['8(5) days + extraMinutes (part day)', '8.5', 'professional', { days: 1, extraMinutes: 180 }, 1200, 'professional'],
  ['8(5) minutes (part day only)', '8.5', undefined, { minutes: 100 }, 222, 'professional'],
  // 8(6) degree courses: 10 per course, subject of the courses declared.
  ['8(6) courses, public', '8.6', 'public', { courses: 2 }, 2000, 'public'],
  ['8(6) courses, professional', '8.6', 'professional', { courses: 3 }, 3000, 'professional'],
  ['8(6) courses: 20 courses is within bounds (the cap applies per year)', '8.6', 'professional', { courses: 20 }, 20000, 'professional'],
  // 8(7) qualification exams.
  ['8(7) junior = 10', '8.7', undefined, { level: 'junior' }, 1000, 'professional'],
  ['8(7) intermediate = 20', '8.7', undefined, { level: 'intermediate' }, 2000, 'professional'],
  ['8(7) senior = 30', '8.7', 'professional', { level: 'senior' }, 3000, 'professional'],
  // 8(8) 学习强国 points: ⌊points / 1000⌋, public.
  ['8(8) points: ⌊12345 / 1000⌋ = 12', '8.8', undefined, { points: 12345 }, 1200, 'public'],
  ['8(8) points: exactly 1000 = 1', '8.8', 'public', { points: 1000 }, 100, 'public'],
  ['8(8) points: 999 earns 0 (whole 学时 only)', '8.8', undefined, { points: 999 }, 0, 'public'],
  ['8(8) points: 0 is within bounds and earns 0', '8.8', undefined, { points: 0 }, 0, 'public'],
  ['8(8) points: 10,000,000 = 10000', '8.8', undefined, { points: 10_000_000 }, 1_000_000, 'public'],
  // Art. 9 achievements: professional.
  ['9(1) paper: no measure = 10', '9.1', undefined, undefined, 1000, 'professional'],
  ['9(1) paper: empty measure = 10', '9.1', 'professional', {}, 1000, 'professional'],
  ['9(2) sole author = 20', '9.2', undefined, { kind: 'sole' }, 2000, 'professional'],
  ['9(2) edited = 10', '9.2', undefined, { kind: 'edited' }, 1000, 'professional'],
  ['9(3) invention patent = 5', '9.3', undefined, { kind: 'invention' }, 500, 'professional'],
  ['9(3) utility model = 3', '9.3', undefined, { kind: 'utility' }, 300, 'professional'],
  ['9(3) software copyright = 1', '9.3', undefined, { kind: 'software' }, 100, 'professional'],
  ['9(3) design patent = 1', '9.3', undefined, { kind: 'design' }, 100, 'professional'],
  ['9(4) national project = 30', '9.4', undefined, { level: 'national' }, 3000, 'professional'],
  ['9(4) provincial project = 20', '9.4', undefined, { level: 'provincial' }, 2000, 'professional'],
  ['9(4) municipal project = 10', '9.4', undefined, { level: 'municipal' }, 1000, 'professional'],
  ['9(5) national award = 60', '9.5', undefined, { level: 'national' }, 6000, 'professional'],
  ['9(5) provincial award = 40', '9.5', undefined, { level: 'provincial' }, 4000, 'professional'],
  ['9(5) municipal award = 20', '9.5', undefined, { level: 'municipal' }, 2000, 'professional'],
  // Art. 10 speaker/teacher: 2 × minutes ÷ 45, professional by default, public when declared.
  ['10 minutes: 2 × 100 ÷ 45 = 4.444… → 4.44, professional by default', '10', undefined, { minutes: 100 }, 444, 'professional'],
  ['10 minutes: public when teaching a public-subject course', '10', 'public', { minutes: 100 }, 444, 'public'],
  ['10 minutes: 45 minutes of teaching = 2', '10', 'professional', { minutes: 45 }, 200, 'professional'],
];

describe('RULES.md §2: hours each activity earns', () => {
  it.each(rows)('%s', (_rule, category, subject, measure, hours, resolved) => {
    const request = { category, ...(subject === undefined ? {} : { subject }), ...(measure === undefined ? {} : { measure }) };
    expect(validateMeasure(jx, request)).toEqual({ ok: true, hours, subject: resolved });
  });

  it('covers every item of the rule set', () => {
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(Object.keys(jx.items)));
  });
});

describe('hour arithmetic (RULES.md §2 Decision): exact, rounded half-up once', () => {
  it.each<[string, number, number]>([
    ['7 minutes = 0.1555… rounds up to 0.16', 7, 16],
    ['38 minutes = 0.8444… rounds down to 0.84', 38, 84],
    ['101 minutes = 2.2444… rounds to 2.24', 101, 224],
    ['1 minute = 0.0222… → 0.02, never 0', 1, 2],
    ['527040 minutes (a year) = 11712', 527040, 1171200],
  ])('8(1) %s', (_rule, minutes, hours) => {
    expect(validateMeasure(jx, { category: '8.1', subject: 'public', measure: { minutes } })).toEqual({ ok: true, hours, subject: 'public' });
  });
});
