/** Differential tests: this library against the reference model of RULES.md in ./testing (RUNS=n for more runs, BIG=1 for long years, BIGCAT=1 to pack one capped item). */
import fc from 'fast-check';
import { defaultRegistry, evaluate, validateMeasure, type ActivityInput, type PersonYearInput } from './index';
import { oracleEvaluate, oracleMeasure, type Cat, type OActivity, type OMeasure, type Subject } from './testing/reference-model';

const ruleSet = defaultRegistry().ruleSetFor('general', 2024);
const CATS: Cat[] = ['8.1', '8.2', '8.3', '8.4', '8.5', '8.6', '8.7', '8.8', '9.1', '9.2', '9.3', '9.4', '9.5', '10'];

const minutesArb = fc.oneof(fc.constantFrom(1, 22, 23, 44, 45, 46, 89, 90, 359, 360, 361, 405, 527040), fc.integer({ min: 1, max: 3000 }));
const daysArb = fc.record({ days: fc.oneof(fc.constantFrom(1, 2, 366), fc.integer({ min: 1, max: 5 })), extraMinutes: fc.option(fc.oneof(fc.constantFrom(0, 1, 22, 23, 44, 45, 46, 359), fc.integer({ min: 0, max: 359 })), { nil: undefined }) });
const hoursArb = fc.oneof(fc.constantFrom(0.01, 0.29, 1.01, 2.5, 7.99, 8, 10, 29.99, 30, 30.01, 2000), fc.integer({ min: 1, max: 4000 }).map((c) => c / 100));
function measureArb(cat: Cat): fc.Arbitrary<OMeasure> {
  switch (cat) {
    case '8.1': case '8.2': case '8.3': case '8.4':
      return fc.oneof(hoursArb.map((hours) => ({ hours })), minutesArb.map((minutes) => ({ minutes })), daysArb);
    case '8.5': return fc.oneof(minutesArb.map((minutes) => ({ minutes })), daysArb);
    case '10': return minutesArb.map((minutes) => ({ minutes }));
    case '8.6': return fc.integer({ min: 1, max: 4 }).map((courses) => ({ courses }));
    case '8.7': return fc.constantFrom('junior', 'intermediate', 'senior').map((level) => ({ level }));
    case '8.8': return fc.oneof(fc.constantFrom(0, 999, 1000, 1999, 5500, 9999, 10000, 10999, 11000, 10_000_000), fc.integer({ min: 0, max: 20000 })).map((points) => ({ points }));
    case '9.1': return fc.constant({});
    case '9.2': return fc.constantFrom('sole', 'edited').map((kind) => ({ kind }));
    case '9.3': return fc.constantFrom('invention', 'utility', 'software', 'design').map((kind) => ({ kind }));
    case '9.4': return fc.constantFrom('national', 'provincial', 'municipal').map((level) => ({ level }));
    case '9.5': return fc.constantFrom('national', 'provincial', 'municipal').map((level) => ({ level }));
  }
}
const subjectArb = (cat: Cat): fc.Arbitrary<Subject> =>
  cat === '8.1' || cat === '8.2' || cat === '8.6' || cat === '10' ? fc.constantFrom<Subject>('public', 'professional') :
  fc.constant<Subject>(['8.8'].includes(cat) ? 'public' : 'professional');

const idArb = fc.string({ unit: fc.constantFrom(...'aAbBzZ09_-'.split('')), minLength: 1, maxLength: process.env.BIG === '1' ? 4 : 3 });
const dateArb = fc.constantFrom('2024-01-01', '2024-03-15', '2024-03-15', '2024-06-30', '2024-12-31', '2025-06-01');
const BIG = process.env.BIG === '1';
const keyArb = BIG ? fc.option(fc.constantFrom('k1', 'k2', 'K1', 'k3', 'k4', 'k5'), { nil: null, freq: 8 }) : fc.option(fc.constantFrom('k1', 'k2', 'K1', 'k3'), { nil: null, freq: 2 });
const catArb = process.env.BIGCAT ? fc.constantFrom<string>('8.3', '8.3', '8.3', '10') : BIG ? fc.constantFrom<string>('8.3', '8.3', '9.3', '8.6', '10', '8.1', '8.8') : fc.constantFrom(...CATS, '8.3', '8.5', '8.8', '9.3', '10', '9.1', '8.6');

const rawActArb = catArb.chain((cat) =>
  fc.record({
    category: fc.constant(cat as Cat),
    subject: subjectArb(cat as Cat),
    measure: measureArb(cat as Cat),
    completedOn: dateArb,
    contentKey: keyArb,
    status: fc.constantFrom('declared', 'verified', 'verified', 'verified', 'rejected', 'withdrawn'),
    verifiedFrac: fc.oneof(fc.constant(1), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
    finalMode: fc.constantFrom('same', 'same', 'adjust', 'zero', 'outside'),
    finalFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  }));

const yearArb = fc.record({
  acts: fc.uniqueArray(fc.tuple(idArb, rawActArb), { minLength: process.env.BIG === '1' ? 60 : 0, maxLength: process.env.BIG === '1' ? 200 : 40, size: process.env.BIG === '1' ? 'max' : undefined, selector: (t) => t[0] }),
  finalized: fc.boolean(),
  statusPick: fc.constantFrom('open', 'confirmed', 'finalized', 'voided', 'x', 'x', 'x'),
});

type YearDraw = typeof yearArb extends fc.Arbitrary<infer T> ? T : never;
function build(y: YearDraw): { input: PersonYearInput; oacts: OActivity[] } {
  let points = 0;
  const acts: ActivityInput[] = [];
  for (const [id, r] of y.acts) {
    const m = oracleMeasure(r.category, r.subject, r.measure);
    if (typeof m === 'string') throw new Error(`the generator made an invalid measure ${JSON.stringify(r)}: ${m}`);
    let status = r.status as ActivityInput['status'];
    if (r.category === '8.8' && status !== 'withdrawn' && status !== 'rejected') { if (points++ > 0) status = 'withdrawn'; }
    const claimed = m.hours;
    let verified: number | null = null;
    if (status === 'verified') verified = claimed === 0 ? 0 : Math.max(1, Math.round(claimed * r.verifiedFrac));
    let final: number | null = null, finalRejected = false;
    if (y.finalized && status === 'verified' && r.finalMode !== 'outside') {
      if (r.finalMode === 'same') final = verified;
      else if (r.finalMode === 'zero') { final = 0; finalRejected = true; }
      else final = Math.round(verified! * r.finalFrac);
      if (final === 0 && verified! > 0) finalRejected = true;
    }
    acts.push({ activityId: id, category: r.category, subject: m.subject, title: 't', completedOn: r.completedOn, measure: r.measure,
      claimed, status, verified, final, finalRejected, contentKey: r.contentKey });
  }
  let status: PersonYearInput['status'] = y.statusPick === 'x' ? (y.finalized ? 'finalized' : 'open') : (y.statusPick as PersonYearInput['status']);
  if (status === 'finalized' && !y.finalized) status = 'confirmed';
  return {
    input: { year: 2024, status, finalized: y.finalized, activities: acts, makeUp: { until: '2025-12-31', reason: null, promotionDelay: false } },
    oacts: acts.map((a) => ({ activityId: a.activityId, category: a.category as Cat, subject: a.subject, completedOn: a.completedOn, claimed: a.claimed,
      status: a.status, verified: a.verified, final: a.final, finalRejected: a.finalRejected, contentKey: a.contentKey })),
  };
}

const t = (p: [number, number]) => ({ public: p[0] / 100, professional: p[1] / 100, total: (p[0] + p[1]) / 100 });

describe('reference model: measures', () => {
  it('validateMeasure agrees with the reference model on valid measures', () => {
    fc.assert(fc.property(fc.constantFrom(...CATS).chain((cat) => fc.tuple(fc.constant(cat), subjectArb(cat), measureArb(cat))), ([cat, subj, m]) => {
      const o = oracleMeasure(cat, subj, m);
      const p = validateMeasure(ruleSet, { category: cat, subject: subj, measure: m });
      expect(p.ok ? { hours: p.hours, subject: p.subject } : p.errors).toEqual(o);
    }), { numRuns: 3000 });
  });
});

describe('reference model: evaluate', () => {
  it('totals, compliance, shortfall, counted and notes agree', () => {
    fc.assert(fc.property(yearArb, (y) => {
      const { input, oacts } = build(y);
      const p = evaluate(ruleSet, input);
      const o = oracleEvaluate({ status: input.status, finalized: input.finalized, activities: oacts });
      const voided = input.status === 'voided';
      expect({
        declared: p.totals.declared, verified: p.totals.verified, final: p.totals.final, compliant: p.compliant,
        shortfall: p.shortfall,
        acts: Object.fromEntries(p.activities.map((a) => [a.activityId, { counted: a.hours.counted, notes: voided ? [] : a.notes.filter((n) => n !== 'NOT_COUNTED') }])),
      }).toEqual({
        declared: t(o.declared), verified: t(o.verified), final: o.final && t(o.final), compliant: o.compliant,
        shortfall: { public: o.shortfall[0] / 100, professional: o.shortfall[1] / 100 },
        acts: Object.fromEntries(oacts.map((a) => [a.activityId, { counted: o.counted.get(a.activityId)! / 100, notes: o.notes.get(a.activityId)! }])),
      });
    }), { numRuns: Number(process.env.RUNS ?? 2000) });
  });
});

const itemArticle = (c: string) => (c === '10' ? '10' : `${c[0]}(${c.slice(2)})`);
describe('reference model: statement fields and explanations', () => {
  it('status, hours.*, and explanation steps agree with the reference model', () => {
    fc.assert(fc.property(yearArb, (y) => {
      const { input, oacts } = build(y);
      const p = evaluate(ruleSet, input);
      const o = oracleEvaluate({ status: input.status, finalized: input.finalized, activities: oacts });
      const voided = input.status === 'voided';
      const problems: string[] = [];
      for (const a of p.activities) {
        const i = input.activities.find((x) => x.activityId === a.activityId)!;
        const want = {
          status: i.finalRejected ? 'rejected' : i.status,
          claimed: i.claimed / 100, verified: i.verified === null ? null : i.verified / 100,
          final: input.finalized ? (i.final === null ? null : i.final / 100) : null,
        };
        const got = { status: a.status, claimed: a.hours.claimed, verified: a.hours.verified, final: a.hours.final };
        if (JSON.stringify(want) !== JSON.stringify(got)) problems.push(`${a.activityId} fields want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
        const ex = a.explanation;
        if (!ex.length) { problems.push(`${a.activityId} no explanation`); continue; }
        if (ex[0]!.values.hours !== i.claimed / 100) problems.push(`${a.activityId} step0 hours ${String(ex[0]!.values.hours)} != claimed`);
        const last = ex[ex.length - 1]!;
        if (voided) { if (!ex.some((s) => s.code === 'ART14_VOIDED' && s.article === '14')) problems.push(`${a.activityId} voided without ART14 step`); continue; }
        const inTier = o.deciding.members.has(a.activityId);
        const cnt = o.counted.get(a.activityId)! / 100;
        if (!inTier) { if (last.code !== 'NOT_COUNTED') problems.push(`${a.activityId} not in tier but last ${last.code}`); continue; }
        const sup = o.deciding.keptBy.get(a.activityId);
        if (sup !== undefined) {
          const s = ex.find((x) => x.code === 'ART11_SUPERSEDED');
          if (!s || s.article !== '11' || s.values.keptBy !== sup) problems.push(`${a.activityId} superseded step ${JSON.stringify(s)} want keptBy ${sup}`);
          if (ex.some((x) => x.code.endsWith('_CAP'))) problems.push(`${a.activityId} superseded but has a cap step`);
        }
        const capStep = ex.find((x) => x.code.endsWith('_CAP'));
        if (o.deciding.before.has(a.activityId)) {
          const before = o.deciding.before.get(a.activityId)! / 100;
          if (!capStep || capStep.article !== itemArticle(i.category) || capStep.values.before !== before || capStep.values.counted !== cnt)
            problems.push(`${a.activityId} cap step ${JSON.stringify(capStep)} want art ${itemArticle(i.category)} before ${before} counted ${cnt}`);
        } else if (capStep) problems.push(`${a.activityId} unexpected cap step`);
        if (sup === undefined) {
          if (last.code !== 'COUNTED' || last.values.counted !== cnt || last.values.tier !== o.decidingTier || last.values.subject !== i.subject)
            problems.push(`${a.activityId} last step ${JSON.stringify(last)} want counted ${cnt} tier ${o.decidingTier}`);
        }
      }
      expect(problems).toEqual([]);
    }), { numRuns: Number(process.env.RUNS ?? 2000) });
  });
});
