/**
 * Property-based fuzz over HTTP (fast-check): requests that are certainly invalid — bodies with at
 * least one definite violation, random JSON, text that is not JSON, path parameters and query
 * strings outside their formats — sent by an actor who would succeed with a valid request, to
 * every endpoint. Property: the answer is a 4xx in the error format `{error: {code: UPPER_SNAKE,
 * message}}` (never 2xx, never 5xx), and nothing is written.
 */
import fc from 'fast-check';
import { EVIDENCE, SHA } from './support/fixtures';
import {
  badAdjustmentHours,
  badCursor,
  badDate,
  badHours,
  badId,
  badInstant,
  badLimit,
  badPrintable,
  badRegion,
  badRevision,
  badText,
  badWhole,
  badYear,
  garbageBody,
  invalidBody,
  notJsonText,
  notObject,
  notOneOf,
  notString,
  queryString,
  setOwn,
  unknownKey,
  violation,
  type Body,
  type FieldSpec,
  type Mutation,
  type Query,
} from './support/fuzz';
import { Cast, declaration, freshPerson, isErrorBody, prepare, registerUnits, yearUrl, type ActorName, type Target, type YearState } from './support/matrix';
import { startTestApp, type Answer, type TestApp } from './support/test-app';

const RUNS = 150;
const FIELDS = ['general', 'health', 'k12_education', 'accounting', 'journalism', 'publishing'];
const CATEGORY_IDS = ['8.1', '8.2', '8.3', '8.4', '8.5', '8.6', '8.7', '8.8', '9.1', '9.2', '9.3', '9.4', '9.5', '10'];

let t: TestApp;
let cast: Cast;
/** Person-years in the state where the actor of each endpoint would succeed with a valid request. */
let y: Record<'pro' | 'declared' | 'open' | 'confirmed' | 'flagged', Target>;
let jobId: string;

beforeAll(async () => {
  t = await startTestApp({ now: '2024-06-01T02:00:00.000Z' });
  cast = new Cast(t);
  await registerUnits(t, cast);
  const at = (personId: string): Target => ({ personId, year: 2024, unit: 'u1' });
  y = {
    pro: await prepare(t, cast, at('fz-pro'), 'declared'),
    declared: await prepare(t, cast, at('fz-declared'), 'declared'),
    open: await prepare(t, cast, at('fz-open'), 'open'),
    confirmed: await prepare(t, cast, at('fz-confirmed'), 'confirmed'),
    flagged: await prepare(t, cast, at('fz-flagged'), 'flagged'),
  };
  const job = await t.call('POST', '/api/institutions/inst-none/fraud-flags', { token: await cast.token('人社 360000'), body: { year: 2024, reason: 'setup' } });
  expect(job.status).toBe(202);
  jobId = job.body.jobId;
});
afterAll(() => t.close());

// ─── The property ────────────────────────────────────────────────────────────────────────────

/** Sends one request; it must be refused (4xx, error format) and write nothing. */
async function refused(actor: ActorName, method: string, path: string, options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {}, target: Target = y.pro): Promise<Answer> {
  const token = await cast.token(actor, target);
  const before = await t.head();
  const res = await t.call(method, path, { token, ...options });
  const after = await t.head();
  const ok = res.status >= 400 && res.status < 500 && isErrorBody(res.body) && after === before;
  if (!ok) {
    const sent = options.raw ?? JSON.stringify(options.body);
    throw new Error(`${method} ${path} with ${sent?.slice(0, 300)} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}; events written: ${after - before}`);
  }
  return res;
}

const check = <T>(arb: fc.Arbitrary<T>, send: (value: T) => Promise<unknown>, numRuns = RUNS) => fc.assert(fc.asyncProperty(arb, async (value) => void (await send(value))), { numRuns });

// ─── Body schemas and their definite violations ──────────────────────────────────────────────

const badEvidence = fc.oneof(
  notString.filter((v) => !Array.isArray(v)),
  fc.array(fc.constant(EVIDENCE[0]), { minLength: 21, maxLength: 30 }),
  fc.oneof(
    fc.record({ name: badText(200), sha256: fc.constant(SHA) }),
    fc.record({ name: fc.constant('c.pdf'), sha256: fc.oneof(fc.string({ maxLength: 70 }).filter((s) => !/^[0-9a-fA-F]{64}$/.test(s)), notString) }),
    fc.record({ name: fc.constant('c.pdf') }),
    fc.record({ sha256: fc.constant(SHA) }),
    fc.tuple(unknownKey(['name', 'sha256']), fc.jsonValue()).map(([k, v]) => {
      const item: Body = { name: 'c.pdf', sha256: SHA };
      setOwn(item, k, v);
      return item;
    }),
    notObject,
  ).map((item) => [EVIDENCE[0], item]),
);

/** Measures an 8.1 declaration may never carry (its measure is `hours`, `minutes`, or `days` + `extraMinutes`). */
const badMeasure = fc.oneof(
  notObject,
  fc.constant({}),
  badHours.map((hours) => ({ hours })),
  badWhole(1, 527_040).map((minutes) => ({ minutes })),
  badWhole(1, 366).map((days) => ({ days })),
  badWhole(0, 359).map((extraMinutes) => ({ days: 1, extraMinutes })),
  fc.integer({ min: 0, max: 359 }).map((extraMinutes) => ({ extraMinutes })),
  fc.constantFrom({ hours: 1, days: 1 }, { hours: 1, minutes: 45 }, { minutes: 45, days: 1 }, { courses: 1 }, { points: 1000 }, { level: 'junior' }, { kind: 'sole' }, { hours: 1, level: 'x' }),
  fc.tuple(unknownKey(['hours', 'minutes', 'days', 'extraMinutes', 'courses', 'points', 'level', 'kind']), fc.jsonValue()).map(([k, v]) => {
    const m: Body = { hours: 1 };
    setOwn(m, k, v);
    return m;
  }),
  fc.record({ hours: fc.constant(1), level: fc.string({ minLength: 33, maxLength: 60 }) }),
);

const declareFields: FieldSpec[] = [
  { key: 'activityId', required: true, bad: fc.oneof(badId, notString) },
  { key: 'category', required: true, bad: notOneOf(CATEGORY_IDS) },
  { key: 'subject', required: true, bad: fc.oneof(notOneOf(['public', 'professional']), fc.constant(null)) },
  { key: 'title', required: true, bad: fc.oneof(badText(200), fc.constant('x'.repeat(70 * 1024))) },
  {
    key: 'completedOn',
    required: true,
    // Not a date; or a real date the year refuses (before 2024, after the make-up period, later than today).
    bad: fc.oneof(badDate, fc.constantFrom('2023-12-31', '2022-05-06', '2026-01-01', '2024-06-02', '2024-12-31', '2100-01-01')),
  },
  { key: 'measure', required: true, bad: badMeasure },
  { key: 'contentKey', required: false, bad: badPrintable(128) },
  // A professional's body never carries a unitId: any value is a violation.
  { key: 'unitId', required: false, bad: fc.jsonValue() },
  { key: 'evidence', required: true, bad: fc.oneof(badEvidence, fc.constant([])) },
];

const unitVerifyFields: FieldSpec[] = [
  { key: 'decision', required: true, bad: notOneOf(['approve', 'reject']) },
  { key: 'reason', required: false, bad: badText(500) },
  { key: 'contentKey', required: false, bad: badPrintable(128) },
];
const verifyExtra: Array<fc.Arbitrary<Mutation>> = [
  // Hours that are never valid, even with a reason.
  badHours.map((h): Mutation => (b) => {
    b.hours = h;
    b.reason ??= 'fewer hours';
  }),
  // A valid partial approval without its reason (REASON_REQUIRED).
  fc.integer({ min: 1, max: 9 }).map((h): Mutation => (b) => {
    if (typeof b.reason === 'string' && b.reason.length > 0 && b.reason.length <= 500) b.reason = '';
    b.hours = h;
  }),
  // A rejection without a reason, or a rejection with hours.
  fc.constant<Mutation>((b) => {
    b.decision = 'reject';
    if (b.reason === undefined || (typeof b.reason === 'string' && b.reason.length > 0 && b.reason.length <= 500)) b.hours = 1;
  }),
];

const adjustment = (activityId: string): Body => ({ activityId, hours: 1, reason: 'checked' });
const badAdjustment = fc.oneof(
  notObject,
  badId.map((activityId) => ({ ...adjustment('h0'), activityId })),
  badAdjustmentHours.map((hours) => ({ ...adjustment('h0'), hours })),
  badText(500).map((reason) => ({ ...adjustment('h0'), reason })),
  badPrintable(128).map((contentKey) => ({ ...adjustment('h0'), contentKey })),
  fc.constantFrom('activityId', 'hours', 'reason').map((k) => {
    const a = adjustment('h0');
    delete a[k];
    return a;
  }),
  fc.tuple(unknownKey(['activityId', 'hours', 'reason', 'contentKey']), fc.jsonValue()).map(([k, v]) => {
    const a = adjustment('h0');
    setOwn(a, k, v);
    return a;
  }),
);
const finalizeFields: FieldSpec[] = [
  { key: 'decision', required: true, bad: notOneOf(['approve']) },
  {
    key: 'adjustments',
    required: false,
    bad: fc.oneof(
      notString.filter((v) => !Array.isArray(v)),
      fc.constant('h0'),
      fc.tuple(fc.array(fc.constant(adjustment('h0')), { maxLength: 2 }), badAdjustment).map(([ok, bad]) => [...ok, bad]),
      fc.constant([adjustment('h0'), adjustment('h0')]),
    ),
  },
];

const reasonFields: FieldSpec[] = [{ key: 'reason', required: true, bad: badText(500) }];
const flagFields: FieldSpec[] = [...reasonFields, { key: 'evidence', required: false, bad: fc.oneof(badEvidence, fc.constant(null)) }];

const institutionFlagFields: FieldSpec[] = [
  { key: 'year', required: true, bad: fc.oneof(badWhole(2023, 2100), fc.constantFrom('2024', 2024.5)) },
  ...reasonFields,
  {
    key: 'courses',
    required: false,
    bad: fc.oneof(notString.filter((v) => !Array.isArray(v)), fc.constant([]), badPrintable(128).map((c) => ['course-1', c]), fc.constant(null)),
  },
];

const makeUpFields: FieldSpec[] = [
  { key: 'reason', required: true, bad: notOneOf(['injury', 'illness', 'pregnancy', 'other']) },
  { key: 'note', required: false, bad: badText(500) },
  // Not a date, or a date not after the year.
  { key: 'until', required: false, bad: fc.oneof(badDate, fc.constantFrom('2024-12-31', '2024-06-30', '2023-01-01', '2024-01-01'), fc.constant(null)) },
];

const unitFields: FieldSpec[] = [
  { key: 'name', required: true, bad: badText(200) },
  { key: 'region', required: true, bad: fc.oneof(badRegion, notString) },
  { key: 'industry', required: true, bad: notOneOf(FIELDS) },
];

type Kind = 'pro' | 'declared' | 'open' | 'confirmed' | 'flagged';
const STATE_OF: Record<Kind, YearState> = { pro: 'declared', declared: 'declared', open: 'open', confirmed: 'confirmed', flagged: 'flagged' };

interface BodyEndpoint {
  name: string;
  actor: ActorName;
  method: string;
  /** The person-year it acts on (none for the routes without one). */
  on?: Kind;
  path: (target: Target) => string;
  /** A body that succeeds, and its status (API.md). */
  base: () => Body;
  success: number;
  fields: FieldSpec[];
  extra?: Array<fc.Arbitrary<Mutation>>;
}

const bodyEndpoints: BodyEndpoint[] = [
  { name: 'PUT /api/units/{unitId}', success: 200, actor: '人社 360000', method: 'PUT', path: () => '/api/units/fz-unit', base: () => ({ name: 'Fuzz unit', region: '360102', industry: 'general' }), fields: unitFields },
  {
    name: 'POST …/activities (a professional)', success: 201,
    actor: 'professional self',
    method: 'POST',
    on: 'pro',
    path: (x) => `${yearUrl(x)}/activities`,
    base: () => declaration('8.1', 'professional', { activityId: 'fz-new' }),
    fields: declareFields,
  },
  {
    name: 'POST …/activities (an institution: unitId required, 8.1/8.2 only)', success: 201,
    actor: 'institution',
    method: 'POST',
    on: 'pro',
    path: (x) => `${yearUrl(x)}/activities`,
    base: () => declaration('8.1', 'institution', { activityId: 'fz-inst', unitId: 'u1' }),
    fields: [...declareFields.filter((f) => f.key !== 'unitId' && f.key !== 'evidence'), { key: 'unitId', required: true, bad: fc.oneof(badId, notString) }, { key: 'evidence', required: false, bad: badEvidence }],
  },
  { name: 'POST …/activities/{activityId}/verification', success: 200, actor: 'unit u1', method: 'POST', on: 'declared', path: (x) => `${yearUrl(x)}/activities/a0/verification`, base: () => ({ decision: 'approve' }), fields: unitVerifyFields, extra: verifyExtra },
  { name: 'PUT …/field', success: 200, actor: 'unit u1', method: 'PUT', on: 'open', path: (x) => `${yearUrl(x)}/field`, base: () => ({ field: 'accounting' }), fields: [{ key: 'field', required: true, bad: notOneOf(FIELDS) }] },
  { name: 'POST …/unit-confirmation', success: 200, actor: 'unit u1', method: 'POST', on: 'open', path: (x) => `${yearUrl(x)}/unit-confirmation`, base: () => ({ note: 'checked' }), fields: [{ key: 'note', required: false, bad: fc.oneof(badText(500), fc.constant(null)) }] },
  { name: 'POST …/finalization', success: 200, actor: '人社 360000', method: 'POST', on: 'confirmed', path: (x) => `${yearUrl(x)}/finalization`, base: () => ({ decision: 'approve', adjustments: [adjustment('h0')] }), fields: finalizeFields },
  { name: 'POST …/fraud-flags', success: 201, actor: '人社 360000', method: 'POST', on: 'open', path: (x) => `${yearUrl(x)}/fraud-flags`, base: () => ({ reason: 'forged', evidence: EVIDENCE }), fields: flagFields },
  { name: 'POST …/fraud-flags/{flagId}/rescission', success: 200, actor: '人社 360000', method: 'POST', on: 'flagged', path: (x) => `${yearUrl(x)}/fraud-flags/${x.flagId}/rescission`, base: () => ({ reason: 'review' }), fields: reasonFields },
  { name: 'POST /api/institutions/{institutionId}/fraud-flags', success: 202, actor: '人社 360000', method: 'POST', path: () => '/api/institutions/inst-none/fraud-flags', base: () => ({ year: 2024, reason: 'forged', courses: ['course-1'] }), fields: institutionFlagFields },
  { name: 'POST …/make-up', success: 200, actor: 'unit u1', method: 'POST', on: 'open', path: (x) => `${yearUrl(x)}/make-up`, base: () => ({ reason: 'illness', note: 'hospital', until: '2025-12-31' }), fields: makeUpFields },
];

/** The shared person-year of an endpoint, for the properties (a refusal changes nothing). */
const shared = (e: BodyEndpoint): Target => y[e.on ?? 'pro'];
/** A person-year of its own, for a single request that a bug might let through. */
async function fresh(e: BodyEndpoint): Promise<Target> {
  const target = await prepare(t, cast, { personId: freshPerson('fz'), year: 2024, unit: 'u1' }, STATE_OF[e.on ?? 'pro']);
  return target;
}
const byName = bodyEndpoints.map((e) => [e.name, e] as const);

describe('the generators are sound: each base body succeeds, so every refusal below is the violation’s doing', () => {
  it.each(byName)('%s: the unmutated base body succeeds', async (_name, e) => {
    const target = await fresh(e);
    const res = await t.call(e.method, e.path(target), { token: await cast.token(e.actor, target), body: e.base() });
    expect({ status: res.status, body: res.body }).toEqual({ status: e.success, body: expect.anything() });
  });
});

describe('fuzz: bodies with a definite violation are 4xx in the error format and write nothing', () => {
  it.each(byName)('%s: near-valid bodies with 1–3 violations', async (_name, e) => {
    await check(invalidBody(e.base(), violation(e.fields, e.extra)), (body) => refused(e.actor, e.method, e.path(shared(e)), { body }));
  }, 60_000);

  it.each(byName)('%s: random JSON values and nested garbage', async (_name, e) => {
    await check(garbageBody, (body) => refused(e.actor, e.method, e.path(shared(e)), { body }), 60);
  }, 60_000);

  it.each(byName)('%s: text that is not JSON, or not declared as JSON', async (_name, e) => {
    const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'application/octet-stream');
    await check(fc.tuple(notJsonText, contentType), ([raw, type]) => refused(e.actor, e.method, e.path(shared(e)), { raw, headers: { 'content-type': type } }), 40);
  }, 60_000);

  it.each(byName)('%s: a JSON null body is 400', async (_name, e) => {
    const target = await fresh(e);
    const res = await refused(e.actor, e.method, e.path(target), { body: null }, target);
    expect(res.status).toBe(400);
  });

  it.each(byName)('%s: a valid JSON body sent as text/plain is 400', async (_name, e) => {
    const target = await fresh(e);
    const res = await refused(e.actor, e.method, e.path(target), { raw: JSON.stringify(e.base()), headers: { 'content-type': 'text/plain' } }, target);
    expect(res.status).toBe(400);
  });
});

const endpoint = (name: string) => bodyEndpoints.find((e) => e.name.startsWith(name))!;

describe('hours with more than 2 decimals are refused however small (API.md: hours have at most 2 decimals)', () => {
  it.each([1e-9, 1e-7, 0.001, 1.0000001])('UnitVerify with hours %p and a reason → 400, nothing written', async (hours) => {
    const e = endpoint('POST …/activities/{activityId}/verification');
    const target = await fresh(e);
    const res = await refused(e.actor, 'POST', e.path(target), { body: { decision: 'approve', hours, reason: 'fewer' } }, target);
    expect(res.status).toBe(400);
  });

  it.each([1e-9, 1e-7, 0.001, 0.9999999])('AuthorityFinalize with an adjustment of %p hours → 400, nothing written', async (hours) => {
    const e = endpoint('POST …/finalization');
    const target = await fresh(e);
    const res = await refused(e.actor, 'POST', e.path(target), { body: { decision: 'approve', adjustments: [{ activityId: 'h0', hours, reason: 'x' }] } }, target);
    expect(res.status).toBe(400);
  });

  it.each([1e-9, 1e-7, 0.001])('DeclareActivity with measure.hours %p → 400, nothing written', async (hours) => {
    const e = endpoint('POST …/activities (a professional)');
    const target = await fresh(e);
    const res = await refused(e.actor, 'POST', e.path(target), { body: { ...e.base(), measure: { hours } } }, target);
    expect(res.status).toBe(400);
  });
});

// ─── Path parameters ─────────────────────────────────────────────────────────────────────────

interface Route {
  name: string;
  method: string;
  template: string;
  actor: ActorName;
  valid: () => Record<string, string>;
  body?: () => unknown;
}

const py = (target: () => Target, extra: Record<string, () => string> = {}) => () => ({
  personId: target().personId,
  year: String(target().year),
  ...Object.fromEntries(Object.entries(extra).map(([k, f]) => [k, f()])),
});

const routes: Route[] = [
  { name: 'PUT units', method: 'PUT', template: '/api/units/:unitId', actor: '人社 360000', valid: () => ({ unitId: 'fz-unit-path' }), body: () => ({ name: 'x', region: '360102', industry: 'general' }) },
  { name: 'DeclareActivity', method: 'POST', template: '/api/persons/:personId/years/:year/activities', actor: 'professional self', valid: py(() => y.pro), body: () => declaration('8.1', 'professional', { activityId: 'fz-path' }) },
  { name: 'WithdrawActivity', method: 'DELETE', template: '/api/persons/:personId/years/:year/activities/:activityId', actor: 'professional self', valid: py(() => y.pro, { activityId: () => 'a0' }) },
  { name: 'UnitVerify', method: 'POST', template: '/api/persons/:personId/years/:year/activities/:activityId/verification', actor: 'unit u1', valid: py(() => y.declared, { activityId: () => 'a0' }), body: () => ({ decision: 'approve' }) },
  { name: 'SetField', method: 'PUT', template: '/api/persons/:personId/years/:year/field', actor: 'unit u1', valid: py(() => y.open), body: () => ({ field: 'accounting' }) },
  { name: 'UnitConfirm', method: 'POST', template: '/api/persons/:personId/years/:year/unit-confirmation', actor: 'unit u1', valid: py(() => y.open), body: () => ({}) },
  { name: 'AuthorityFinalize', method: 'POST', template: '/api/persons/:personId/years/:year/finalization', actor: '人社 360000', valid: py(() => y.confirmed), body: () => ({ decision: 'approve' }) },
  { name: 'FlagFraud', method: 'POST', template: '/api/persons/:personId/years/:year/fraud-flags', actor: '人社 360000', valid: py(() => y.open), body: () => ({ reason: 'x' }) },
  { name: 'Rescind', method: 'POST', template: '/api/persons/:personId/years/:year/fraud-flags/:flagId/rescission', actor: '人社 360000', valid: py(() => y.flagged, { flagId: () => y.flagged.flagId! }), body: () => ({ reason: 'x' }) },
  { name: 'MakeUpReason', method: 'POST', template: '/api/persons/:personId/years/:year/make-up', actor: 'unit u1', valid: py(() => y.open), body: () => ({ reason: 'illness' }) },
  { name: 'Statement', method: 'GET', template: '/api/persons/:personId/years/:year', actor: 'unit u1', valid: py(() => y.open) },
  { name: 'History', method: 'GET', template: '/api/persons/:personId/years/:year/history', actor: 'unit u1', valid: py(() => y.open) },
  { name: 'Unit inbox', method: 'GET', template: '/api/units/:unitId/pending', actor: 'unit u1', valid: () => ({ unitId: 'u1' }) },
  { name: 'Institution flag', method: 'POST', template: '/api/institutions/:institutionId/fraud-flags', actor: '人社 360000', valid: () => ({ institutionId: 'inst-none' }), body: () => ({ year: 2024, reason: 'x' }) },
  { name: 'Job', method: 'GET', template: '/api/jobs/:jobId', actor: '人社 360000', valid: () => ({ jobId }) },
  { name: 'Rule set', method: 'GET', template: '/api/rule-sets/:ruleSetId', actor: '人社 360000', valid: () => ({ ruleSetId: 'jx-2023-trial' }) },
];

const paramsOf = (template: string) => [...template.matchAll(/:(\w+)/g)].map((m) => m[1]!);
const badParam = (name: string) => (name === 'year' ? badYear : badId);

/** A route with a non-empty set of its parameters replaced by certainly invalid values. */
const badPath = fc.constantFrom(...routes).chain((route) => {
  const names = paramsOf(route.template);
  return fc
    .subarray(names, { minLength: 1 })
    .chain((broken) => fc.tuple(...broken.map((n) => badParam(n))).map((values) => ({ route, bad: Object.fromEntries(broken.map((n, i) => [n, values[i] as string])) })));
});

function pathOf(route: Route, bad: Record<string, string>): string {
  const values = { ...route.valid(), ...bad };
  return route.template.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(values[name]!));
}

describe('fuzz: path parameters outside their formats are 4xx in the error format and write nothing', () => {
  it('every route, a non-empty set of its parameters broken (unicode, "..", very long, year out of range, non-numeric)', async () => {
    await check(badPath, ({ route, bad }) => refused(route.actor, route.method, pathOf(route, bad), { body: route.body?.() }), 300);
  }, 60_000);

  it.each(routes.map((r) => [r.name, r] as const))('%s: each parameter alone, out of format, is 400', async (_name, route) => {
    for (const name of paramsOf(route.template)) {
      const bad = name === 'year' ? '2022' : 'bad id';
      // A professional whose personId no longer matches the path is refused by scope first (403).
      // So is a unit asking another unitId's inbox.
      const expected = (name === 'personId' && route.actor === 'professional self') || route.name === 'Unit inbox' ? 403 : 400;
      const res = await refused(route.actor, route.method, pathOf(route, { [name]: bad }), { body: route.body?.() });
      expect({ param: name, status: res.status }).toEqual({ param: name, status: expected });
    }
  });
});

// ─── Query strings ───────────────────────────────────────────────────────────────────────────

/** A query with 1–3 definite violations over a valid base. */
function invalidQuery(base: Query, mutations: Array<fc.Arbitrary<(q: Query) => void>>, known: string[]): fc.Arbitrary<Query> {
  const unknown = fc.tuple(unknownKey(known).filter((k) => k !== '__proto__'), fc.string({ maxLength: 10 })).map(([k, v]) => (q: Query) => {
    q[k] = v;
  });
  return fc.array(fc.oneof(...mutations, unknown), { minLength: 1, maxLength: 3 }).map((ms) => {
    const q: Query = { ...base };
    for (const m of ms) m(q);
    return q;
  });
}
const set = (key: string, arb: fc.Arbitrary<string>) => arb.map((v) => (q: Query) => {
  q[key] = v;
});
const duplicate = (key: string, a: string, b: string) => fc.constant((q: Query) => {
  q[key] = [a, b];
});

interface QueryEndpoint {
  name: string;
  actor: ActorName;
  path: () => string;
  query: () => fc.Arbitrary<Query>;
}

const queryEndpoints: QueryEndpoint[] = [
  {
    name: 'GET statement (asOf, revision, ruleSet)',
    actor: 'unit u1',
    path: () => yearUrl(y.open),
    query: () =>
      invalidQuery(
        {},
        [
          set('asOf', badInstant),
          set('revision', badRevision),
          set('ruleSet', fc.string({ maxLength: 70 }).filter((s) => s !== 'jx-2023-trial')),
          fc.constant((q: Query) => {
            q.asOf = '2024-06-01T00:00:00.000Z';
            q.revision = '0';
          }),
          duplicate('revision', '0', '1'),
        ],
        ['asOf', 'revision', 'ruleSet'],
      ),
  },
  {
    name: 'GET unit inbox (limit, cursor)',
    actor: 'unit u1',
    path: () => '/api/units/u1/pending',
    query: () => invalidQuery({}, [set('limit', badLimit), set('cursor', badCursor), duplicate('limit', '1', '2')], ['limit', 'cursor']),
  },
  {
    name: 'GET authority inbox (region, limit, cursor)',
    actor: '人社 360000',
    path: () => '/api/authorities/pending',
    query: () => invalidQuery({}, [set('region', badRegion), set('limit', badLimit), set('cursor', badCursor), duplicate('region', '360100', '360400')], ['region', 'limit', 'cursor']),
  },
  {
    name: 'GET compliance report (year, region, unitId)',
    actor: '人社 360000',
    path: () => '/api/reports/compliance',
    query: () =>
      invalidQuery(
        { year: '2024' },
        [
          fc.constant((q: Query) => {
            delete q.year;
          }),
          set('year', badYear),
          set('region', badRegion),
          set('unitId', badId),
          fc.constant((q: Query) => {
            q.region = '360100';
            q.unitId = 'u1';
          }),
          duplicate('year', '2024', '2025'),
        ],
        ['year', 'region', 'unitId'],
      ),
  },
];

describe('fuzz: query strings outside their formats are 4xx in the error format', () => {
  it.each(queryEndpoints.map((e) => [e.name, e] as const))('%s', async (_name, e) => {
    await check(e.query(), (q) => refused(e.actor, 'GET', `${e.path()}${queryString(q)}`));
  }, 60_000);

  it.each(['2024-02-30T00:00:00.000Z', '2024-04-31T08:00:00.000Z', '2023-02-29T00:00:00.000+08:00'])('asOf %s, a day that does not exist, is 400 (not rolled over into the next month)', async (asOf) => {
    const res = await refused('unit u1', 'GET', `${yearUrl(y.open)}?asOf=${encodeURIComponent(asOf)}`);
    expect(res.status).toBe(400);
  });

  it.each([
    ['/api/units/u1/pending', 'unit u1'],
    ['/api/authorities/pending', '人社 360000'],
  ] as const)('%s: a cursor no page handed out is 400 INVALID_CURSOR', async (path, actor) => {
    for (const cursor of ['AAAA', 'not-a-cursor', '\u0000', Buffer.from('["other-list",1]').toString('base64url')]) {
      const res = await refused(actor, 'GET', `${path}?cursor=${encodeURIComponent(cursor)}`);
      expect({ cursor, status: res.status, code: res.body.error.code }).toEqual({ cursor, status: 400, code: 'INVALID_CURSOR' });
    }
  });
});

describe('a path parameter of any length outside its format is 400 in the error format (API.md: anything else in a path → 400)', () => {
  it.each([65, 100, 101, 200, 1000])('an id of %p characters → 400', async (length) => {
    const long = 'a'.repeat(length);
    for (const [actor, path] of [
      ['unit u1', `/api/persons/${long}/years/2024`],
      ['人社 360000', `/api/jobs/${long}`],
      ['professional self', `${yearUrl(y.pro)}/activities/${long}`],
      ['人社 360000', `/api/institutions/${long}/fraud-flags`],
    ] as const) {
      const res = await refused(actor, path.includes('/activities/') ? 'DELETE' : path.includes('fraud-flags') ? 'POST' : 'GET', path, path.includes('fraud-flags') ? { body: { year: 2024, reason: 'x' } } : {});
      expect({ path: path.slice(0, 40), status: res.status }).toEqual({ path: path.slice(0, 40), status: 400 });
    }
  });
});

// ─── Whole requests at random ────────────────────────────────────────────────────────────────

describe('fuzz: any method on any route with garbage is refused without a write', () => {
  it('random method × route × broken path × garbage body', async () => {
    const arb = fc.tuple(badPath, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), fc.option(garbageBody, { nil: undefined }));
    await check(arb, ([{ route, bad }, method, body]) => refused(route.actor, method, pathOf(route, bad), method === 'GET' || method === 'DELETE' ? {} : { body }), 150);
  }, 60_000);

  it('a numeric-looking field sent as a string is never coerced (hours "10", days "2", year "2024")', async () => {
    await refused('professional self', 'POST', `${yearUrl(y.pro)}/activities`, { body: { ...declaration('8.1', 'professional', { activityId: 'coerce' }), measure: { hours: '10' } } });
    await refused('professional self', 'POST', `${yearUrl(y.pro)}/activities`, { body: { ...declaration('8.1', 'professional', { activityId: 'coerce' }), measure: { days: '2' } } });
    await refused('人社 360000', 'POST', '/api/institutions/inst-none/fraud-flags', { body: { year: '2024', reason: 'x' } });
    await refused('unit u1', 'POST', `${yearUrl(y.declared)}/activities/a0/verification`, { body: { decision: 'approve', hours: '5', reason: 'x' } });
  });
});
