/** Measure refusals and edge values: this library against the reference model (SHOW=1 prints every case). */
import { defaultRegistry, validateMeasure } from './index';
import { oracleMeasure, type Cat, type OMeasure, type Subject } from './testing/reference-model';

const ruleSet = defaultRegistry().ruleSetFor('general', 2024);
type Case = [Cat, Subject | undefined, OMeasure | undefined];
const cases: Case[] = [
  ['8.1', 'public', { minutes: 0 }], ['8.1', 'public', { minutes: 1 }], ['8.1', 'public', { minutes: 44 }], ['8.1', 'public', { minutes: 45 }],
  ['8.1', 'public', { minutes: 46 }], ['8.1', 'public', { minutes: 359 }], ['8.1', 'public', { minutes: 360 }], ['8.1', 'public', { minutes: 361 }],
  ['8.1', 'public', { minutes: 527040 }], ['8.1', 'public', { minutes: 527041 }], ['8.1', 'public', { minutes: 1.5 }],
  ['8.1', 'public', { hours: 0 }], ['8.1', 'public', { hours: 0.001 }], ['8.1', 'public', { hours: 0.29 }], ['8.1', 'public', { hours: 1.005 }],
  ['8.1', 'public', { hours: 2000 }], ['8.1', 'public', { hours: 2000.01 }], ['8.1', 'public', { hours: -1 }],
  ['8.1', 'public', { days: 0 }], ['8.1', 'public', { days: 1 }], ['8.1', 'public', { days: 366, extraMinutes: 359 }], ['8.1', 'public', { days: 367 }],
  ['8.1', 'public', { days: 1, extraMinutes: 360 }], ['8.1', 'public', { days: 1, extraMinutes: -1 }], ['8.1', 'public', { extraMinutes: 30 }],
  ['8.1', 'public', { days: 1, minutes: 30 }], ['8.1', 'public', { hours: 1, minutes: 30 }], ['8.1', 'public', {}], ['8.1', 'public', undefined],
  ['8.1', undefined, { hours: 1 }], ['8.2', undefined, { hours: 1 }], ['8.6', undefined, { courses: 1 }],
  ['8.3', 'public', { hours: 1 }], ['8.3', 'professional', { hours: 1 }], ['8.4', 'public', { hours: 1 }], ['8.5', 'public', { minutes: 45 }],
  ['8.5', 'professional', { hours: 3 }], ['8.5', undefined, { minutes: 45 }], ['8.5', undefined, { days: 2, extraMinutes: 45 }],
  ['8.6', 'public', { courses: 0 }], ['8.6', 'public', { courses: 20 }], ['8.6', 'public', { courses: 21 }], ['8.6', 'public', { courses: 1.5 }],
  ['8.7', undefined, { level: 'junior' }], ['8.7', 'public', { level: 'junior' }], ['8.7', undefined, { level: 'national' }], ['8.7', undefined, {}],
  ['8.8', undefined, { points: 0 }], ['8.8', undefined, { points: 999 }], ['8.8', undefined, { points: 1000 }], ['8.8', undefined, { points: 10_000_000 }],
  ['8.8', undefined, { points: 10_000_001 }], ['8.8', undefined, { points: -1 }], ['8.8', undefined, { points: 1000.5 }], ['8.8', 'professional', { points: 1000 }],
  ['9.1', undefined, undefined], ['9.1', undefined, {}], ['9.1', undefined, { hours: 10 }], ['9.1', 'public', {}],
  ['9.2', undefined, { kind: 'sole' }], ['9.2', undefined, { kind: 'edited' }], ['9.2', undefined, { kind: 'invention' }], ['9.2', undefined, { level: 'sole' }],
  ['9.3', undefined, { kind: 'invention' }], ['9.3', undefined, { kind: 'design' }], ['9.3', undefined, { kind: 'sole' }],
  ['9.4', undefined, { level: 'national' }], ['9.4', undefined, { level: 'junior' }], ['9.5', undefined, { level: 'municipal' }], ['9.5', undefined, { level: 'senior' }],
  ['10', undefined, { minutes: 45 }], ['10', 'public', { minutes: 1 }], ['10', undefined, { minutes: 23 }], ['10', undefined, { hours: 2 }],
  ['10', undefined, { days: 1 }], ['10', undefined, { days: 1, extraMinutes: 45 }],
];

it('measure edge cases: the library against the reference model', () => {
  const diffs: string[] = [];
  for (const [cat, subject, measure] of cases) {
    const o = oracleMeasure(cat, subject, measure ?? {});
    const p = validateMeasure(ruleSet, { category: cat, subject, measure });
    const po = p.ok ? `${p.hours}/${p.subject}` : `REFUSED(${p.errors.map((e) => `${e.field}: ${e.reason}`).join('; ')})`;
    const oo = typeof o === 'string' ? `REFUSED(${o})` : `${o.hours}/${o.subject}`;
    const agree = (typeof o === 'string') === !p.ok && (p.ok ? oo === po : true);
    if (!agree || process.env.SHOW) diffs.push(`${agree ? 'ok  ' : 'DIFF'} ${cat} ${subject} ${JSON.stringify(measure)} oracle=${oo} product=${po}`);
  }
  if (process.env.SHOW) console.log(diffs.join('\n'));
  expect(diffs.filter((d) => d.startsWith('DIFF'))).toEqual([]);
});
