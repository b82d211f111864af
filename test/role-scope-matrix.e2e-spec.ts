/**
 * The role × scope matrix of API.md and RULES.md §1, table-driven, for every endpoint: each row
 * is an actor acting on a fresh person-year (under u1 in Nanchang 360102, u2 in Jiujiang 360402,
 * or the health unit u3 in 360102) and the status it must get. A refusal must write nothing.
 * Then the order of errors (API.md, "Errors and their order").
 */
import {
  CATEGORIES,
  Cast,
  declaration,
  expectError,
  freshPerson,
  prepare,
  registerUnits,
  withoutWrite,
  yearUrl,
  type ActorName,
  type Target,
  type UnitName,
  type YearState,
} from './support/matrix';
import { startTestApp, type Answer, type TestApp } from './support/test-app';
import { undocumentedErrors } from './support/documented-errors';

let t: TestApp;
let cast: Cast;

beforeAll(async () => {
  t = await startTestApp({ now: '2024-06-01T02:00:00.000Z' });
  cast = new Cast(t);
  await registerUnits(t, cast);
});
afterAll(() => t.close());

// ─── The table runner ────────────────────────────────────────────────────────────────────────

interface Row {
  actor: ActorName;
  /** The unit of the person-year acted on (default u1). */
  on?: UnitName;
  status: number;
  code?: string;
  /** DeclareActivity: the item declared. */
  item?: string;
  /** A body other than the endpoint's. */
  body?: (target: Target) => unknown;
  /** The state of the person-year other than the endpoint's. */
  state?: YearState;
  note?: string;
}

interface YearEndpoint {
  method: string;
  /** The path below `/api/persons/{personId}/years/{year}`. */
  below: (target: Target) => string;
  state: YearState;
  body?: (target: Target, row: Row) => unknown;
  /** What a success answers, beyond its status. */
  success?: (res: Answer, target: Target, row: Row) => void;
}

const label = (row: Row) =>
  `${row.actor}${row.item ? ` item ${row.item}` : ''} on a ${row.on ?? 'u1'} person-year${row.note ? ` (${row.note})` : ''} → ${row.status}${row.code ? ` ${row.code}` : ''}`;

async function runYearRow(endpoint: YearEndpoint, row: Row): Promise<void> {
  const target = await prepare(t, cast, { personId: freshPerson(), year: 2024, unit: row.on ?? 'u1' }, row.state ?? endpoint.state);
  const token = await cast.token(row.actor, target);
  const body = row.body ? row.body(target) : endpoint.body?.(target, row);
  const send = () => t.call(endpoint.method, `${yearUrl(target)}${endpoint.below(target)}`, { token, body });
  if (row.status < 300) {
    const res = await send();
    expect({ status: res.status, body: res.body }).toMatchObject({ status: row.status });
    endpoint.success?.(res, target, row);
  } else {
    const res = await withoutWrite(t, send);
    expectError(res, row.status, row.code);
    // The person-year's unit is not told to a caller who may have no business knowing it.
    if (row.code === 'UNIT_MISMATCH') expect(res.body.error.message).not.toMatch(new RegExp(`\\b${target.unit}\\b`));
  }
}

function yearMatrix(name: string, endpoint: YearEndpoint, rows: Row[]): void {
  describe(name, () => {
    it.each(rows.map((row) => [label(row), row] as const))('%s', (_label, row) => runYearRow(endpoint, row));
  });
}

interface PlainRow {
  actor: ActorName;
  method: string;
  path: string;
  body?: unknown;
  status: number;
  code?: string;
  rule: string;
  success?: (res: Answer) => void;
}

async function runPlainRow(row: PlainRow): Promise<void> {
  const token = await cast.token(row.actor, { personId: 'p-reader', unit: 'u1' });
  const send = () => t.call(row.method, row.path, { token, body: row.body });
  if (row.status < 300) {
    const res = await send();
    expect({ status: res.status, body: res.body }).toMatchObject({ status: row.status });
    row.success?.(res);
  } else {
    expectError(await withoutWrite(t, send), row.status, row.code);
  }
}

function plainMatrix(name: string, rows: PlainRow[]): void {
  describe(name, () => {
    it.each(rows.map((row) => [`${row.rule}: ${row.actor} ${row.method} ${row.path} → ${row.status}${row.code ? ` ${row.code}` : ''}`, row] as const))('%s', (_l, row) =>
      runPlainRow(row),
    );
  });
}

// ─── Units ───────────────────────────────────────────────────────────────────────────────────

describe('PUT /api/units/{unitId}: 人社 only, within its region; re-putting needs the old and the new region', () => {
  const unitBody = (region: string, name = 'Unit') => ({ name, region, industry: 'general' });
  const put = async (actor: ActorName, unitId: string, body: unknown) => t.call('PUT', `/api/units/${unitId}`, { token: await cast.token(actor), body });

  it.each([
    ['人社 360000', '360402'],
    ['人社 360100', '360103'],
    ['人社 360102', '360102'],
    ['人社 360400', '360402'],
  ] as const)('%s registers a unit in %s → 200 with the unit', async (actor, region) => {
    const unitId = freshPerson('unit');
    const res = await put(actor, unitId, unitBody(region, `Unit ${unitId}`));
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { unitId, name: `Unit ${unitId}`, region, industry: 'general' } });
  });

  it.each([
    ['人社 360100', '360402', 'a city authority outside its city'],
    ['人社 360100', '360000', 'a city authority for the whole province'],
    ['人社 360102', '360103', 'a county authority in another county'],
    ['人社 360400', '360102', 'Jiujiang in Nanchang'],
    ['health authority 360000', '360102', 'an industry authority (not 人社)'],
    ['general authority 360100', '360102', 'an industry authority (not 人社)'],
    ['regulator 360000', '360102', 'a regulator changes nothing'],
    ['unit u1', '360102', 'a unit'],
    ['professional self', '360102', 'a professional'],
    ['institution', '360102', 'an institution'],
  ] as const)('%s registering a unit in %s → 403 (%s), nothing written', async (actor, region, _why) => {
    expectError(await withoutWrite(t, () => put(actor, freshPerson('unit'), unitBody(region))), 403);
  });

  it('re-putting a Nanchang unit into Jiujiang by the Jiujiang authority → 403: it does not cover the old region', async () => {
    const unitId = freshPerson('unit');
    expect((await put('人社 360000', unitId, unitBody('360102'))).status).toBe(200);
    expectError(await withoutWrite(t, () => put('人社 360400', unitId, unitBody('360402'))), 403);
  });

  it('re-putting a Nanchang unit into Jiujiang by the Nanchang authority → 403: it does not cover the new region', async () => {
    const unitId = freshPerson('unit');
    expect((await put('人社 360000', unitId, unitBody('360102'))).status).toBe(200);
    expectError(await withoutWrite(t, () => put('人社 360100', unitId, unitBody('360402'))), 403);
  });

  it('re-putting a Jiujiang unit (a rename) by the Nanchang authority → 403: scope is the current region', async () => {
    const unitId = freshPerson('unit');
    expect((await put('人社 360000', unitId, unitBody('360402'))).status).toBe(200);
    expectError(await withoutWrite(t, () => put('人社 360100', unitId, unitBody('360402', 'Renamed'))), 403);
  });

  it('re-putting within the city (360102 → 360103) by the city authority → 200 and an event', async () => {
    const unitId = freshPerson('unit');
    expect((await put('人社 360000', unitId, unitBody('360102'))).status).toBe(200);
    const head = await t.head();
    const res = await put('人社 360100', unitId, unitBody('360103', 'Moved'));
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { unitId, name: 'Moved', region: '360103', industry: 'general' } });
    expect(await t.head()).toBeGreaterThan(head);
  });
});

// ─── DeclareActivity ─────────────────────────────────────────────────────────────────────────

const roleOf = (actor: ActorName) => (actor.startsWith('professional') ? 'professional' : actor.startsWith('unit') ? 'unit' : actor === 'institution' ? 'institution' : 'authority');

const declareRows: Row[] = [
  ...CATEGORIES.filter((c) => c !== '8.3').map((item): Row => ({ actor: 'professional self', item, status: 201 })),
  { actor: 'professional self', item: '8.3', status: 403, code: 'ITEM_NOT_ALLOWED_FOR_ROLE' },
  ...CATEGORIES.map((item): Row => ({ actor: 'institution', item, ...(item === '8.1' || item === '8.2' ? { status: 201 } : { status: 403, code: 'ITEM_NOT_ALLOWED_FOR_ROLE' }) })),
  ...CATEGORIES.map((item): Row => ({ actor: 'unit u1', item, ...(item === '8.3' ? { status: 201 } : { status: 403, code: 'ITEM_NOT_ALLOWED_FOR_ROLE' }) })),
  ...(['人社 360000', 'health authority 360100', 'regulator 360000', 'regulator 360100'] as const).flatMap((actor) =>
    ['8.1', '8.3'].map((item): Row => ({ actor, item, status: 403 })),
  ),
  { actor: 'professional other', item: '8.1', status: 403, note: 'another personId' },
  { actor: 'professional other', item: '8.3', status: 403, note: 'another personId' },
  { actor: 'unit u2', item: '8.3', status: 201, on: 'u2', note: 'its own staff, in Jiujiang' },
  { actor: 'unit u2', item: '8.3', status: 409, code: 'UNIT_MISMATCH', state: 'open', note: 'staff of u1' },
  { actor: 'institution', item: '8.1', status: 409, code: 'UNIT_MISMATCH', state: 'open', body: (target) => declaration('8.1', 'institution', { unitId: 'u2', activityId: `i-${target.personId}` }), note: 'body names u2' },
  { actor: 'professional self, token unit u2', item: '8.1', status: 409, code: 'UNIT_MISMATCH', state: 'open', note: 'token names u2' },
  { actor: 'institution', item: '8.1', status: 404, code: 'UNIT_NOT_FOUND', body: () => declaration('8.1', 'institution', { unitId: 'u-unregistered' }), note: 'body names an unregistered unit' },
];

yearMatrix(
  'POST …/activities (DeclareActivity): professional any item but 8.3 on their own personId; institution 8.1/8.2; unit 8.3; authority and regulator never',
  {
    method: 'POST',
    below: () => '/activities',
    state: 'none',
    body: (target, row) => declaration(row.item ?? '8.1', roleOf(row.actor), { unitId: target.unit }),
    success: (res, _target, row) => {
      expect(res.body).toMatchObject({ activityId: `act-${row.item!.replace('.', '_')}`, status: row.actor.startsWith('professional') ? 'declared' : 'verified', revision: expect.any(Number) });
    },
  },
  declareRows,
);

// ─── The professional's, the unit's and the authority's commands on a person-year ──────────

yearMatrix(
  'DELETE …/activities/{activityId} (WithdrawActivity): the professional only',
  {
    method: 'DELETE',
    below: (target) => `/activities/${target.activityId}`,
    state: 'declared',
    success: (res) => expect(res.body).toMatchObject({ activityId: 'a0', status: 'withdrawn' }),
  },
  [
    { actor: 'professional self', status: 200 },
    { actor: 'professional other', status: 403 },
    { actor: 'unit u1', status: 403 },
    { actor: 'institution', status: 403 },
    { actor: '人社 360000', status: 403 },
    { actor: 'health authority 360000', status: 403 },
    { actor: 'regulator 360000', status: 403 },
    { actor: 'professional self, token unit u2', status: 409, code: 'UNIT_MISMATCH' },
  ],
);

yearMatrix(
  'POST …/activities/{activityId}/verification (UnitVerify): the unit of that person-year only',
  {
    method: 'POST',
    below: (target) => `/activities/${target.activityId}/verification`,
    state: 'declared',
    body: () => ({ decision: 'approve' }),
    success: (res) => expect(res.body).toMatchObject({ activityId: 'a0', status: 'verified' }),
  },
  [
    { actor: 'unit u1', status: 200 },
    { actor: 'unit u2', on: 'u2', status: 200 },
    { actor: 'unit u2', status: 403, note: 'another city' },
    { actor: 'unit u3', status: 403, note: 'same district, another unit' },
    { actor: 'professional self', status: 403 },
    { actor: 'professional other', status: 403 },
    { actor: 'institution', status: 403 },
    { actor: '人社 360000', status: 403 },
    { actor: '人社 360100', status: 403 },
    { actor: 'regulator 360000', status: 403 },
  ],
);

yearMatrix(
  'PUT …/field (SetField): the unit of that person-year only',
  {
    method: 'PUT',
    below: () => '/field',
    state: 'open',
    body: () => ({ field: 'accounting' }),
    success: (res) => expect(res.body).toMatchObject({ field: 'accounting', status: 'open' }),
  },
  [
    { actor: 'unit u1', status: 200 },
    { actor: 'unit u2', status: 403 },
    { actor: 'unit u3', status: 403 },
    { actor: 'professional self', status: 403 },
    { actor: 'institution', status: 403 },
    { actor: '人社 360000', status: 403 },
    { actor: 'regulator 360000', status: 403 },
  ],
);

yearMatrix(
  'POST …/unit-confirmation (UnitConfirm): the unit of that person-year only',
  {
    method: 'POST',
    below: () => '/unit-confirmation',
    state: 'open',
    body: () => ({}),
    success: (res) => expect(res.body).toMatchObject({ status: 'confirmed' }),
  },
  [
    { actor: 'unit u1', status: 200 },
    { actor: 'unit u2', status: 403 },
    { actor: 'unit u3', status: 403 },
    { actor: 'professional self', status: 403 },
    { actor: 'institution', status: 403 },
    { actor: '人社 360000', status: 403 },
    { actor: 'regulator 360000', status: 403 },
  ],
);

yearMatrix(
  "POST …/finalization (AuthorityFinalize): an authority covering the unit's region, and the year's field for an industry authority",
  {
    method: 'POST',
    below: () => '/finalization',
    state: 'confirmed',
    body: () => ({ decision: 'approve' }),
    success: (res) => expect(res.body).toMatchObject({ status: 'finalized' }),
  },
  [
    { actor: '人社 360000', status: 200 },
    { actor: '人社 360100', status: 200 },
    { actor: '人社 360102', status: 200 },
    { actor: '人社 360103', status: 403, note: 'another county' },
    { actor: '人社 360400', status: 403, note: 'another city' },
    { actor: '人社 360400', on: 'u2', status: 200 },
    { actor: '人社 360100', on: 'u2', status: 403, note: 'another city' },
    { actor: 'general authority 360100', status: 200, note: "the year's field" },
    { actor: 'health authority 360100', status: 403, note: 'another field' },
    { actor: 'health authority 360000', status: 403, note: 'another field' },
    { actor: 'health authority 360100', on: 'u3', status: 200, note: "the year's field" },
    { actor: 'health authority 360000', on: 'u3', status: 200, note: "the year's field" },
    { actor: 'general authority 360100', on: 'u3', status: 403, note: 'another field' },
    { actor: '人社 360100', on: 'u3', status: 200, note: '人社 covers every field' },
    { actor: 'regulator 360000', status: 403 },
    { actor: 'unit u1', status: 403 },
    { actor: 'professional self', status: 403 },
    { actor: 'institution', status: 403 },
  ],
);

yearMatrix(
  'POST …/fraud-flags (FlagFraud, Art. 14): a 人社 authority covering the region only',
  {
    method: 'POST',
    below: () => '/fraud-flags',
    state: 'open',
    body: () => ({ reason: 'forged certificate' }),
    success: (res) => expect(res.body).toEqual({ flagId: expect.any(String), status: 'voided' }),
  },
  [
    { actor: '人社 360000', status: 201 },
    { actor: '人社 360100', status: 201 },
    { actor: '人社 360102', status: 201 },
    { actor: '人社 360400', on: 'u2', status: 201 },
    { actor: '人社 360400', status: 403, note: 'another city' },
    { actor: '人社 360103', status: 403, note: 'another county' },
    { actor: '人社 360100', on: 'u2', status: 403, note: 'another city' },
    { actor: 'general authority 360100', status: 403, note: "an industry authority, even of the year's field" },
    { actor: 'health authority 360000', on: 'u3', status: 403, note: "an industry authority, even of the year's field" },
    { actor: 'regulator 360000', status: 403 },
    { actor: 'unit u1', status: 403 },
    { actor: 'professional self', status: 403 },
    { actor: 'institution', status: 403 },
  ],
);

yearMatrix(
  'POST …/fraud-flags/{flagId}/rescission (Art. 14): the province 人社 (360000) only',
  {
    method: 'POST',
    below: (target) => `/fraud-flags/${target.flagId}/rescission`,
    state: 'flagged',
    body: () => ({ reason: 'administrative review' }),
    success: (res) => expect(res.body).toMatchObject({ status: 'open', flags: [expect.objectContaining({ rescinded: true })] }),
  },
  [
    { actor: '人社 360000', status: 200 },
    { actor: '人社 360000', on: 'u2', status: 200 },
    { actor: '人社 360100', status: 403, note: 'a city 人社 covering the year' },
    { actor: '人社 360102', status: 403, note: 'a county 人社 covering the year' },
    { actor: 'health authority 360000', status: 403 },
    { actor: 'regulator 360000', status: 403 },
    { actor: 'unit u1', status: 403 },
    { actor: 'professional self', status: 403 },
    { actor: 'institution', status: 403 },
  ],
);

yearMatrix(
  'POST …/make-up (MakeUpReason, Art. 13): the unit or an authority in scope',
  {
    method: 'POST',
    below: () => '/make-up',
    state: 'open',
    body: () => ({ reason: 'illness', until: '2025-12-31' }),
    success: (res) => expect(res.body).toMatchObject({ makeUp: expect.objectContaining({ reason: 'illness' }) }),
  },
  [
    { actor: 'unit u1', status: 200 },
    { actor: '人社 360000', status: 200 },
    { actor: '人社 360100', status: 200 },
    { actor: '人社 360102', status: 200 },
    { actor: 'general authority 360100', status: 200, note: "an industry authority of the year's field" },
    { actor: 'health authority 360100', on: 'u3', status: 200, note: "an industry authority of the year's field" },
    { actor: 'health authority 360100', status: 403, note: 'another field' },
    { actor: '人社 360400', status: 403, note: 'another city' },
    { actor: '人社 360103', status: 403, note: 'another county' },
    { actor: 'unit u2', status: 403, note: 'another unit' },
    { actor: 'unit u3', status: 403, note: 'another unit, same district' },
    { actor: 'regulator 360000', status: 403 },
    { actor: 'professional self', status: 403 },
    { actor: 'institution', status: 403 },
  ],
);

// ─── Readers of a person-year ────────────────────────────────────────────────────────────────

const readerRows: Row[] = [
  { actor: 'professional self', status: 200 },
  { actor: 'professional other', status: 403 },
  { actor: 'unit u1', status: 200 },
  { actor: 'unit u2', status: 403, note: 'another city' },
  { actor: 'unit u3', status: 403, note: 'another unit, same district' },
  { actor: 'institution', status: 403 },
  { actor: '人社 360000', status: 200 },
  { actor: '人社 360100', status: 200 },
  { actor: '人社 360102', status: 200 },
  { actor: '人社 360103', status: 403, note: 'another county' },
  { actor: '人社 360400', status: 403, note: 'another city' },
  { actor: 'regulator 360000', status: 200 },
  { actor: 'regulator 360100', status: 200 },
  { actor: 'regulator 360400', status: 403, note: 'another city' },
  { actor: 'regulator 360400', on: 'u2', status: 200 },
  { actor: 'general authority 360100', status: 200, note: "the year's field" },
  { actor: 'health authority 360100', status: 403, note: 'another field' },
  { actor: 'health authority 360000', status: 403, note: 'another field' },
  { actor: 'health authority 360100', on: 'u3', status: 200, note: "the year's field" },
  { actor: 'general authority 360100', on: 'u3', status: 403, note: 'another field' },
];

yearMatrix(
  'GET …/years/{year} (Statement): the professional themself, their unit, an authority or regulator covering the region (and field)',
  { method: 'GET', below: () => '', state: 'open', success: (res, target) => expect(res.body).toMatchObject({ personId: target.personId, year: 2024, unitId: target.unit }) },
  readerRows,
);

yearMatrix(
  'GET …/years/{year}/history (History): the same readers as the statement',
  {
    method: 'GET',
    below: () => '/history',
    state: 'open',
    success: (res) => {
      expect(Array.isArray(res.body)).toBe(true);
      expect(res.body[0]).toMatchObject({ revision: 0, type: expect.any(String) });
    },
  },
  readerRows,
);

// ─── Inboxes, reports, institution flags, jobs ─────────────────────────────────────────────

const page = (res: Answer) => expect(res.body).toEqual({ items: expect.any(Array), nextCursor: null });

plainMatrix('GET /api/units/{unitId}/pending: the unit itself only', [
  { rule: 'its own inbox', actor: 'unit u1', method: 'GET', path: '/api/units/u1/pending', status: 200, success: page },
  { rule: 'another unit’s inbox', actor: 'unit u2', method: 'GET', path: '/api/units/u1/pending', status: 403 },
  { rule: 'another unit’s inbox', actor: 'unit u3', method: 'GET', path: '/api/units/u1/pending', status: 403 },
  { rule: 'not a unit', actor: 'professional self', method: 'GET', path: '/api/units/u1/pending', status: 403 },
  { rule: 'not a unit', actor: 'institution', method: 'GET', path: '/api/units/u1/pending', status: 403 },
  { rule: 'not a unit', actor: '人社 360000', method: 'GET', path: '/api/units/u1/pending', status: 403 },
  { rule: 'not a unit', actor: 'regulator 360000', method: 'GET', path: '/api/units/u1/pending', status: 403 },
]);

plainMatrix('GET /api/authorities/pending: an authority or regulator, within its scope', [
  { rule: 'the token region by default', actor: '人社 360000', method: 'GET', path: '/api/authorities/pending', status: 200, success: page },
  { rule: 'the token region by default', actor: 'regulator 360100', method: 'GET', path: '/api/authorities/pending', status: 200, success: page },
  { rule: 'an industry authority', actor: 'health authority 360100', method: 'GET', path: '/api/authorities/pending', status: 200, success: page },
  { rule: 'a county inside the city', actor: '人社 360100', method: 'GET', path: '/api/authorities/pending?region=360102', status: 200, success: page },
  { rule: 'its own region', actor: '人社 360100', method: 'GET', path: '/api/authorities/pending?region=360100', status: 200, success: page },
  { rule: 'a city inside the province', actor: 'regulator 360000', method: 'GET', path: '/api/authorities/pending?region=360400', status: 200, success: page },
  { rule: 'region outside the token scope', actor: '人社 360100', method: 'GET', path: '/api/authorities/pending?region=360402', status: 403 },
  { rule: 'region wider than the token scope', actor: '人社 360100', method: 'GET', path: '/api/authorities/pending?region=360000', status: 403 },
  { rule: 'region wider than the token scope', actor: '人社 360102', method: 'GET', path: '/api/authorities/pending?region=360100', status: 403 },
  { rule: 'another county', actor: '人社 360102', method: 'GET', path: '/api/authorities/pending?region=360103', status: 403 },
  { rule: 'region outside the token scope', actor: 'regulator 360400', method: 'GET', path: '/api/authorities/pending?region=360102', status: 403 },
  { rule: 'not an authority', actor: 'unit u1', method: 'GET', path: '/api/authorities/pending', status: 403 },
  { rule: 'not an authority', actor: 'professional self', method: 'GET', path: '/api/authorities/pending', status: 403 },
  { rule: 'not an authority', actor: 'institution', method: 'GET', path: '/api/authorities/pending', status: 403 },
]);

const report = (scope: Record<string, string>) => (res: Answer) =>
  expect(res.body).toMatchObject({ year: 2024, scope, personYears: expect.any(Number), compliant: expect.any(Number), nonCompliant: expect.any(Number), voided: expect.any(Number), finalized: expect.any(Number), promotionDelays: expect.any(Number) });

plainMatrix('GET /api/reports/compliance: an authority or regulator in scope', [
  { rule: 'the token region by default', actor: '人社 360000', method: 'GET', path: '/api/reports/compliance?year=2024', status: 200, success: report({ region: '360000' }) },
  { rule: 'the token region by default', actor: 'regulator 360100', method: 'GET', path: '/api/reports/compliance?year=2024', status: 200, success: report({ region: '360100' }) },
  { rule: 'a county inside the city', actor: '人社 360100', method: 'GET', path: '/api/reports/compliance?year=2024&region=360102', status: 200, success: report({ region: '360102' }) },
  { rule: 'a unit inside the city', actor: '人社 360100', method: 'GET', path: '/api/reports/compliance?year=2024&unitId=u1', status: 200, success: report({ unitId: 'u1' }) },
  { rule: 'a unit inside the city', actor: 'regulator 360400', method: 'GET', path: '/api/reports/compliance?year=2024&unitId=u2', status: 200, success: report({ unitId: 'u2' }) },
  { rule: 'a region outside scope', actor: '人社 360100', method: 'GET', path: '/api/reports/compliance?year=2024&region=360402', status: 403 },
  { rule: 'a region wider than scope', actor: '人社 360102', method: 'GET', path: '/api/reports/compliance?year=2024&region=360100', status: 403 },
  { rule: 'a unit outside scope', actor: '人社 360100', method: 'GET', path: '/api/reports/compliance?year=2024&unitId=u2', status: 403 },
  { rule: 'a unit outside scope', actor: 'regulator 360400', method: 'GET', path: '/api/reports/compliance?year=2024&unitId=u1', status: 403 },
  { rule: 'a unit outside scope', actor: '人社 360103', method: 'GET', path: '/api/reports/compliance?year=2024&unitId=u1', status: 403 },
  { rule: 'an unregistered unit', actor: '人社 360000', method: 'GET', path: '/api/reports/compliance?year=2024&unitId=u-unregistered', status: 404, code: 'UNIT_NOT_FOUND' },
  { rule: 'not an authority', actor: 'unit u1', method: 'GET', path: '/api/reports/compliance?year=2024&unitId=u1', status: 403 },
  { rule: 'not an authority', actor: 'professional self', method: 'GET', path: '/api/reports/compliance?year=2024', status: 403 },
  { rule: 'not an authority', actor: 'institution', method: 'GET', path: '/api/reports/compliance?year=2024', status: 403 },
]);

const institutionFlag = { year: 2024, reason: 'forged attendance lists' };

plainMatrix('POST /api/institutions/{institutionId}/fraud-flags: the province 人社 (360000) only', [
  { rule: 'province 人社', actor: '人社 360000', method: 'POST', path: '/api/institutions/inst-none/fraud-flags', body: institutionFlag, status: 202, success: (res) => expect(res.body).toEqual({ jobId: expect.any(String) }) },
  { rule: 'a city 人社', actor: '人社 360100', method: 'POST', path: '/api/institutions/inst-none/fraud-flags', body: institutionFlag, status: 403 },
  { rule: 'a county 人社', actor: '人社 360102', method: 'POST', path: '/api/institutions/inst-none/fraud-flags', body: institutionFlag, status: 403 },
  { rule: 'an industry authority of the province', actor: 'health authority 360000', method: 'POST', path: '/api/institutions/inst-none/fraud-flags', body: institutionFlag, status: 403 },
  { rule: 'a regulator', actor: 'regulator 360000', method: 'POST', path: '/api/institutions/inst-none/fraud-flags', body: institutionFlag, status: 403 },
  { rule: 'a unit', actor: 'unit u1', method: 'POST', path: '/api/institutions/inst-none/fraud-flags', body: institutionFlag, status: 403 },
  { rule: 'a professional', actor: 'professional self', method: 'POST', path: '/api/institutions/inst-none/fraud-flags', body: institutionFlag, status: 403 },
  { rule: 'the institution itself', actor: 'institution', method: 'POST', path: '/api/institutions/inst1/fraud-flags', body: institutionFlag, status: 403 },
]);

describe('GET /api/jobs/{jobId}: an authority or regulator only', () => {
  let jobId: string;
  beforeAll(async () => {
    const res = await t.call('POST', '/api/institutions/inst-none/fraud-flags', { token: await cast.token('人社 360000'), body: institutionFlag });
    expect(res.status).toBe(202);
    jobId = res.body.jobId;
  });

  it.each(['人社 360000', '人社 360400', 'health authority 360100', 'regulator 360000', 'regulator 360400'] as const)('%s → 200 with the job', async (actor) => {
    const res = await t.call('GET', `/api/jobs/${jobId}`, { token: await cast.token(actor) });
    expect({ status: res.status, body: res.body }).toMatchObject({
      status: 200,
      body: { jobId, state: expect.stringMatching(/^(waiting|active|completed|failed)$/), progress: { done: expect.any(Number), total: expect.any(Number) } },
    });
  });

  it.each(['unit u1', 'professional self', 'institution'] as const)('%s → 403', async (actor) => {
    expectError(await t.call('GET', `/api/jobs/${jobId}`, { token: await cast.token(actor) }), 403);
  });

  it('an unknown job → 404 JOB_NOT_FOUND', async () => {
    expectError(await t.call('GET', '/api/jobs/no-such-job', { token: await cast.token('regulator 360000') }), 404, 'JOB_NOT_FOUND');
  });
});

// ─── Errors and their order ──────────────────────────────────────────────────────────────────

interface OrderCase {
  rule: string;
  actor: ActorName;
  state: YearState;
  on?: UnitName;
  method: string;
  below: (target: Target) => string;
  body?: unknown;
  raw?: string;
  status: number;
  code?: string;
  /** Drives the person-year further before the request. */
  then?: (target: Target) => Promise<void>;
}

async function runOrderCase(c: OrderCase): Promise<void> {
  const target = await prepare(t, cast, { personId: freshPerson('o'), year: 2024, unit: c.on ?? 'u1' }, c.state);
  await c.then?.(target);
  const token = await cast.token(c.actor, target);
  const res = await withoutWrite(t, () => t.call(c.method, `${yearUrl(target)}${c.below(target)}`, { token, body: c.body, ...(c.raw !== undefined ? { raw: c.raw } : {}) }));
  expectError(res, c.status, c.code);
}

const orderTable = (name: string, cases: OrderCase[]) =>
  describe(name, () => {
    it.each(cases.map((c) => [`${c.rule} → ${c.status}${c.code ? ` ${c.code}` : ''}`, c] as const))('%s', (_l, c) => runOrderCase(c));
  });

orderTable('403 (role, or the scope token and path decide) comes before 400', [
  { rule: 'a regulator verifying with unreadable JSON', actor: 'regulator 360000', state: 'declared', method: 'POST', below: (x) => `/activities/${x.activityId}/verification`, raw: '{not json', status: 403 },
  { rule: 'an institution setting the field to an unknown one', actor: 'institution', state: 'open', method: 'PUT', below: () => '/field', body: { field: 'astrology' }, status: 403 },
  { rule: 'a professional finalising with an empty body', actor: 'professional self', state: 'confirmed', method: 'POST', below: () => '/finalization', body: {}, status: 403 },
  { rule: 'a unit flagging fraud without a reason', actor: 'unit u1', state: 'open', method: 'POST', below: () => '/fraud-flags', body: { colour: 'red' }, status: 403 },
  { rule: 'a city 人社 rescinding with a malformed flagId', actor: '人社 360100', state: 'flagged', method: 'POST', below: () => '/fraud-flags/bad%20id/rescission', body: { reason: 'x' }, status: 403 },
  { rule: 'a regulator recording a make-up reason with an unknown reason', actor: 'regulator 360000', state: 'open', method: 'POST', below: () => '/make-up', body: { reason: 'bored' }, status: 403 },
  { rule: 'a unit withdrawing with a malformed activityId', actor: 'unit u1', state: 'declared', method: 'DELETE', below: () => '/activities/bad%20id', status: 403 },
  { rule: 'a professional declaring 8.3 with a malformed body', actor: 'professional self', state: 'none', method: 'POST', below: () => '/activities', body: { category: '8.3', title: 7 }, status: 403, code: 'ITEM_NOT_ALLOWED_FOR_ROLE' },
  { rule: 'an institution declaring 8.4 without the required fields', actor: 'institution', state: 'none', method: 'POST', below: () => '/activities', body: { category: '8.4' }, status: 403, code: 'ITEM_NOT_ALLOWED_FOR_ROLE' },
  { rule: 'a professional declaring for another personId with unreadable JSON', actor: 'professional other', state: 'none', method: 'POST', below: () => '/activities', raw: '{"activityId":', status: 403 },
  { rule: 'an authority declaring with unreadable JSON', actor: '人社 360000', state: 'none', method: 'POST', below: () => '/activities', raw: '[', status: 403 },
]);

describe('403 (role, or the scope of the token and request) comes before 400 on the routes without a person-year', () => {
  it('a unit putting a unit with an invalid body → 403, nothing written', async () => {
    expectError(await withoutWrite(t, async () => t.call('PUT', '/api/units/u9', { token: await cast.token('unit u1'), body: { name: '' } })), 403);
  });
  it('a city 人社 flagging an institution with an invalid body → 403, nothing written', async () => {
    expectError(await withoutWrite(t, async () => t.call('POST', '/api/institutions/inst-none/fraud-flags', { token: await cast.token('人社 360100'), body: { year: 'x' } })), 403);
  });
  it('another unit reading an inbox with a malformed limit → 403', async () => {
    expectError(await t.call('GET', '/api/units/u1/pending?limit=0', { token: await cast.token('unit u2') }), 403);
  });
  it('a unit reading the compliance report with a malformed year → 403', async () => {
    expectError(await t.call('GET', '/api/reports/compliance?year=nope', { token: await cast.token('unit u1') }), 403);
  });
  it('a city authority asking another region\'s inbox with a malformed limit → 403 OUT_OF_SCOPE (the region is judged first)', async () => {
    expectError(await t.call('GET', '/api/authorities/pending?region=360402&limit=0', { token: await cast.token('人社 360100') }), 403, 'OUT_OF_SCOPE');
  });
  it('a city authority asking another region\'s report with a malformed year → 403 OUT_OF_SCOPE', async () => {
    expectError(await t.call('GET', '/api/reports/compliance?year=nope&region=360402', { token: await cast.token('人社 360100') }), 403, 'OUT_OF_SCOPE');
  });
  it('a malformed region cannot be judged: 400 naming it', async () => {
    const res = await t.call('GET', '/api/authorities/pending?region=3604&limit=0', { token: await cast.token('人社 360100') });
    expectError(res, 400);
    expect(JSON.stringify(res.body)).toContain('region');
  });
  it('a professional reading another personId with a malformed year → 403', async () => {
    expectError(await t.call('GET', '/api/persons/someone/years/20x4', { token: await cast.token('professional self', { personId: 'p-reader', unit: 'u1' }) }), 403);
  });
});

orderTable('400 comes before 404: an unknown person-year with a bad request is 400', [
  { rule: 'a unit verifying on a never-written year with an unknown decision', actor: 'unit u1', state: 'none', method: 'POST', below: () => '/activities/a1/verification', body: { decision: 'maybe' }, status: 400 },
  { rule: 'a unit verifying on a never-written year with reject and no reason', actor: 'unit u1', state: 'none', method: 'POST', below: () => '/activities/a1/verification', body: { decision: 'reject' }, status: 400, code: 'REASON_REQUIRED' },
  { rule: 'a unit setting an unknown field on a never-written year', actor: 'unit u1', state: 'none', method: 'PUT', below: () => '/field', body: { field: 'astrology' }, status: 400 },
  { rule: 'a unit confirming a never-written year with an empty note', actor: 'unit u1', state: 'none', method: 'POST', below: () => '/unit-confirmation', body: { note: '' }, status: 400 },
  { rule: 'an authority finalising a never-written year with decision reject', actor: '人社 360000', state: 'none', method: 'POST', below: () => '/finalization', body: { decision: 'reject' }, status: 400 },
  { rule: 'an authority flagging a never-written year without a reason', actor: '人社 360000', state: 'none', method: 'POST', below: () => '/fraud-flags', body: {}, status: 400 },
  { rule: 'an authority rescinding on a never-written year with a malformed flagId', actor: '人社 360000', state: 'none', method: 'POST', below: () => '/fraud-flags/bad%20id/rescission', body: { reason: 'x' }, status: 400 },
  { rule: 'an authority recording make-up on a never-written year with until inside the year', actor: '人社 360000', state: 'none', method: 'POST', below: () => '/make-up', body: { reason: 'illness', until: '2024-06-30' }, status: 400 },
  { rule: 'a professional withdrawing from a never-written year with a malformed activityId', actor: 'professional self', state: 'none', method: 'DELETE', below: () => '/activities/bad%20id', status: 400 },
  { rule: 'a reader asking a never-written year with asOf and revision together', actor: 'unit u1', state: 'none', method: 'GET', below: () => '?revision=0&asOf=2024-05-06T08:00:00.000Z', status: 400 },
  { rule: 'a reader asking a never-written year under an unknown rule set', actor: '人社 360000', state: 'none', method: 'GET', below: () => '?ruleSet=no-such-rules', status: 400 },
]);

describe('400 comes before 404 UNIT_NOT_FOUND', () => {
  it('a professional of an unregistered unit declaring with a bad body → 400, not 404', async () => {
    const personId = freshPerson('o');
    const token = await t.token({ role: 'professional', personId, unitId: 'u-unregistered' });
    expectError(await withoutWrite(t, () => t.call('POST', `/api/persons/${personId}/years/2024/activities`, { token, body: { category: '8.1', title: '' } })), 400);
  });
  it('the same professional with a valid body → 404 UNIT_NOT_FOUND, nothing written', async () => {
    const personId = freshPerson('o');
    const token = await t.token({ role: 'professional', personId, unitId: 'u-unregistered' });
    expectError(await withoutWrite(t, () => t.call('POST', `/api/persons/${personId}/years/2024/activities`, { token, body: declaration('8.1', 'professional') })), 404, 'UNIT_NOT_FOUND');
  });
});

orderTable('404 comes before the 403 that only the stored person-year decides', [
  { rule: 'a unit reading a never-written year', actor: 'unit u2', state: 'none', method: 'GET', below: () => '', status: 404, code: 'PERSON_YEAR_NOT_FOUND' },
  { rule: 'a unit reading the history of a never-written year', actor: 'unit u2', state: 'none', method: 'GET', below: () => '/history', status: 404, code: 'PERSON_YEAR_NOT_FOUND' },
  { rule: 'an authority of another city reading a never-written year', actor: '人社 360400', state: 'none', method: 'GET', below: () => '', status: 404, code: 'PERSON_YEAR_NOT_FOUND' },
  { rule: 'a unit verifying on a never-written year', actor: 'unit u2', state: 'none', method: 'POST', below: () => '/activities/a1/verification', body: { decision: 'approve' }, status: 404, code: 'PERSON_YEAR_NOT_FOUND' },
  { rule: 'a unit setting the field of a never-written year', actor: 'unit u2', state: 'none', method: 'PUT', below: () => '/field', body: { field: 'health' }, status: 404, code: 'PERSON_YEAR_NOT_FOUND' },
  { rule: 'a unit confirming a never-written year', actor: 'unit u2', state: 'none', method: 'POST', below: () => '/unit-confirmation', body: {}, status: 404, code: 'PERSON_YEAR_NOT_FOUND' },
  { rule: 'an authority of another city finalising a never-written year', actor: '人社 360400', state: 'none', method: 'POST', below: () => '/finalization', body: { decision: 'approve' }, status: 404, code: 'PERSON_YEAR_NOT_FOUND' },
  { rule: 'an industry authority finalising a never-written year', actor: 'health authority 360100', state: 'none', method: 'POST', below: () => '/finalization', body: { decision: 'approve' }, status: 404, code: 'PERSON_YEAR_NOT_FOUND' },
  { rule: 'an authority of another city flagging a never-written year', actor: '人社 360400', state: 'none', method: 'POST', below: () => '/fraud-flags', body: { reason: 'x' }, status: 404, code: 'PERSON_YEAR_NOT_FOUND' },
  { rule: 'an authority of another city recording make-up on a never-written year', actor: '人社 360400', state: 'none', method: 'POST', below: () => '/make-up', body: { reason: 'illness' }, status: 404, code: 'PERSON_YEAR_NOT_FOUND' },
  { rule: 'the province rescinding on a never-written year', actor: '人社 360000', state: 'none', method: 'POST', below: () => '/fraud-flags/f1/rescission', body: { reason: 'x' }, status: 404, code: 'PERSON_YEAR_NOT_FOUND' },
  { rule: 'the province rescinding an unknown flag', actor: '人社 360000', state: 'flagged', method: 'POST', below: () => '/fraud-flags/no-such-flag/rescission', body: { reason: 'x' }, status: 404, code: 'FLAG_NOT_FOUND' },
  { rule: "another unit verifying an unknown activity of u1's year", actor: 'unit u2', state: 'declared', method: 'POST', below: () => '/activities/no-such/verification', body: { decision: 'approve' }, status: 404, code: 'ACTIVITY_NOT_FOUND' },
  { rule: "an authority of another city adjusting an unknown activity of u1's confirmed year", actor: '人社 360400', state: 'confirmed', method: 'POST', below: () => '/finalization', body: { decision: 'approve', adjustments: [{ activityId: 'no-such', hours: 1, reason: 'x' }] }, status: 404, code: 'ACTIVITY_NOT_FOUND' },
  { rule: "a regulator of another city asking an unknown revision of u1's year", actor: 'regulator 360400', state: 'open', method: 'GET', below: () => '?revision=999', status: 404, code: 'REVISION_NOT_FOUND' },
  { rule: "another unit asking u1's year as of before its first event", actor: 'unit u2', state: 'open', method: 'GET', below: () => '?asOf=2020-01-01T00:00:00.000Z', status: 404 },
  { rule: 'then the stored scope: another unit reading an existing year', actor: 'unit u2', state: 'open', method: 'GET', below: () => '', status: 403 },
]);

const flagAsProvince = async (target: Target) => {
  const res = await t.call('POST', `${yearUrl(target)}/fraud-flags`, { token: await cast.token('人社 360000'), body: { reason: 'forged' } });
  expect(res.status).toBe(201);
};
const verifyA0 = async (target: Target) => {
  expect((await t.call('POST', `${yearUrl(target)}/activities/a0/verification`, { token: await cast.token(`unit ${target.unit}`), body: { decision: 'approve' } })).status).toBe(200);
};
const finalizeAsProvince = async (target: Target) => {
  expect((await t.call('POST', `${yearUrl(target)}/finalization`, { token: await cast.token('人社 360000'), body: { decision: 'approve' } })).status).toBe(200);
};
const chain =
  (...steps: Array<(target: Target) => Promise<void>>) =>
  async (target: Target) => {
    for (const step of steps) await step(target);
  };

orderTable('409 YEAR_VOIDED is checked before every other 409', [
  { rule: 'finalising a voided open year (not NOT_CONFIRMED)', actor: '人社 360000', state: 'flagged', method: 'POST', below: () => '/finalization', body: { decision: 'approve' }, status: 409, code: 'YEAR_VOIDED' },
  { rule: 'confirming a voided year with a pending declaration (not PENDING_VERIFICATION)', actor: 'unit u1', state: 'declared', then: flagAsProvince, method: 'POST', below: () => '/unit-confirmation', body: {}, status: 409, code: 'YEAR_VOIDED' },
  { rule: 'confirming a voided finalised year (not YEAR_FINALIZED)', actor: 'unit u1', state: 'confirmed', then: chain(finalizeAsProvince, flagAsProvince), method: 'POST', below: () => '/unit-confirmation', body: {}, status: 409, code: 'YEAR_VOIDED' },
  { rule: 'verifying a verified activity of a voided year (not ACTIVITY_NOT_DECLARED)', actor: 'unit u1', state: 'declared', then: chain(verifyA0, flagAsProvince), method: 'POST', below: () => '/activities/a0/verification', body: { decision: 'approve' }, status: 409, code: 'YEAR_VOIDED' },
  { rule: 'setting the field of a voided confirmed year (not YEAR_NOT_OPEN)', actor: 'unit u1', state: 'confirmed', then: flagAsProvince, method: 'PUT', below: () => '/field', body: { field: 'health' }, status: 409, code: 'YEAR_VOIDED' },
  { rule: 'withdrawing a verified activity of a voided year (not ACTIVITY_NOT_DECLARED)', actor: 'professional self', state: 'declared', then: chain(verifyA0, flagAsProvince), method: 'DELETE', below: () => '/activities/a0', status: 409, code: 'YEAR_VOIDED' },
  { rule: 'withdrawing from a voided year with a token of another unit (not UNIT_MISMATCH)', actor: 'professional self, token unit u2', state: 'declared', then: flagAsProvince, method: 'DELETE', below: () => '/activities/a0', status: 409, code: 'YEAR_VOIDED' },
  { rule: 'reusing an activityId with another body on a voided year (not ACTIVITY_ID_REUSED)', actor: 'professional self', state: 'declared', then: flagAsProvince, method: 'POST', below: () => '/activities', body: declaration('8.2', 'professional', { activityId: 'a0' }), status: 409, code: 'YEAR_VOIDED' },
  { rule: 'a second 8.8 on a voided year (not POINTS_ALREADY_DECLARED)', actor: 'professional self', state: 'none', then: chain(async (x) => { expect((await t.call('POST', `${yearUrl(x)}/activities`, { token: await cast.token('professional self', x), body: declaration('8.8', 'professional', { activityId: 'pts1' }) })).status).toBe(201); }, flagAsProvince), method: 'POST', below: () => '/activities', body: declaration('8.8', 'professional', { activityId: 'pts2' }), status: 409, code: 'YEAR_VOIDED' },
  { rule: 'declaring on a voided finalised year (not YEAR_FINALIZED)', actor: 'professional self', state: 'confirmed', then: chain(finalizeAsProvince, flagAsProvince), method: 'POST', below: () => '/activities', body: declaration('8.1', 'professional', { activityId: 'late' }), status: 409, code: 'YEAR_VOIDED' },
  { rule: 'declaring on a voided year with a token of another unit (not UNIT_MISMATCH)', actor: 'professional self, token unit u2', state: 'open', then: flagAsProvince, method: 'POST', below: () => '/activities', body: declaration('8.1', 'professional', { activityId: 'x1' }), status: 409, code: 'YEAR_VOIDED' },
  { rule: 'an institution registering on a voided year for another unit (not UNIT_MISMATCH)', actor: 'institution', state: 'open', then: flagAsProvince, method: 'POST', below: () => '/activities', body: declaration('8.1', 'institution', { unitId: 'u2', activityId: 'x2' }), status: 409, code: 'YEAR_VOIDED' },
  { rule: 'a unit of another unit registering 8.3 on a voided year (not UNIT_MISMATCH)', actor: 'unit u2', state: 'open', then: flagAsProvince, method: 'POST', below: () => '/activities', body: declaration('8.3', 'unit', { activityId: 'x3' }), status: 409, code: 'YEAR_VOIDED' },
  { rule: 'recording a make-up reason on a voided year', actor: 'unit u1', state: 'flagged', method: 'POST', below: () => '/make-up', body: { reason: 'illness' }, status: 409, code: 'YEAR_VOIDED' },
]);

describe('409 YEAR_VOIDED before YEAR_CLOSED', () => {
  it('declaring on a voided 2023 year after it closed → 409 YEAR_VOIDED, nothing written', async () => {
    const personId = freshPerson('o');
    const target: Target = { personId, year: 2023, unit: 'u1' };
    // A unit may open a year never written to by recording a make-up reason (Art. 13).
    expect((await t.call('POST', `${yearUrl(target)}/make-up`, { token: await cast.token('unit u1'), body: { reason: 'illness' } })).status).toBe(200);
    await flagAsProvince(target);
    const body = { ...declaration('8.1', 'professional', { activityId: 'y2023' }), completedOn: '2023-05-06' };
    const res = await withoutWrite(t, async () => t.call('POST', `${yearUrl(target)}/activities`, { token: await cast.token('professional self', target), body }));
    expectError(res, 409, 'YEAR_VOIDED');
  });
});

it('documents in /api/docs every error it answered here (API.md: what it does not name, document there)', async () => {
  expect(t.errorAnswers.length).toBeGreaterThan(0);
  expect(await undocumentedErrors(t)).toEqual([]);
});
