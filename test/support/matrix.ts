/**
 * Helpers for the authentication, role × scope matrix and fuzz suites: the error format of
 * API.md, "a refused request writes nothing", the cast of actors, and person-years brought to a
 * given state with as few requests as possible.
 */
import { EVIDENCE } from './fixtures';
import type { Answer, Claims, TestApp } from './test-app';

/** `{"error": {"code": "UPPER_SNAKE", "message": "…"}}` (API.md, Errors). */
export const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

export function isErrorBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, article } = error as { code?: unknown; message?: unknown; article?: unknown };
  // API.md's members and no others (a strict reader of the contract would refuse any more).
  const members = Object.keys(body).length === 1 && Object.keys(error).every((key) => ERROR_MEMBERS.includes(key));
  return members && typeof code === 'string' && UPPER_SNAKE.test(code) && typeof message === 'string' && (article === undefined || typeof article === 'string');
}

const ERROR_MEMBERS = ['code', 'message', 'article'];

/** Asserts the status and the error format (and the code, when the spec names one). */
export function expectError(res: Answer, status: number, code?: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { error: { code: code ?? expect.stringMatching(UPPER_SNAKE), message: expect.any(String) } } });
  expect({ status: res.status, body: res.body, format: isErrorBody(res.body) }).toMatchObject({ format: true });
}

/** Runs a request and proves it wrote no event (API.md: no 4xx answer writes anything). */
export async function withoutWrite(t: TestApp, send: () => Promise<Answer>): Promise<Answer> {
  const before = await t.head();
  const res = await send();
  expect({ head: await t.head(), status: res.status }).toEqual({ head: before, status: res.status });
  return res;
}

// ─── The cast ────────────────────────────────────────────────────────────────────────────────

/** Units of the matrix: two cities, and a health unit in the first city. */
export const UNITS = {
  u1: { region: '360102', industry: 'general' }, // Nanchang, Donghu district
  u2: { region: '360402', industry: 'general' }, // Jiujiang
  u3: { region: '360102', industry: 'health' }, // Nanchang, a hospital
} as const;
export type UnitName = keyof typeof UNITS;

/** Every non-professional actor of the matrix, by a name that says its role and scope. */
export const ACTORS = {
  'unit u1': { role: 'unit', unitId: 'u1' },
  'unit u2': { role: 'unit', unitId: 'u2' },
  'unit u3': { role: 'unit', unitId: 'u3' },
  institution: { role: 'institution', institutionId: 'inst1' },
  '人社 360000': { role: 'authority', region: '360000' },
  '人社 360100': { role: 'authority', region: '360100' },
  '人社 360102': { role: 'authority', region: '360102' },
  '人社 360103': { role: 'authority', region: '360103' },
  '人社 360400': { role: 'authority', region: '360400' },
  'health authority 360100': { role: 'authority', region: '360100', industry: 'health' },
  'general authority 360100': { role: 'authority', region: '360100', industry: 'general' },
  'health authority 360000': { role: 'authority', region: '360000', industry: 'health' },
  'regulator 360000': { role: 'regulator', region: '360000' },
  'regulator 360100': { role: 'regulator', region: '360100' },
  'regulator 360400': { role: 'regulator', region: '360400' },
} as const satisfies Record<string, Claims>;

/** Professionals are named relative to the person-year acted on. */
export type ProfessionalName = 'professional self' | 'professional other' | 'professional self, token unit u2';
export type ActorName = keyof typeof ACTORS | ProfessionalName;

export interface Target {
  personId: string;
  year: number;
  unit: UnitName;
  activityId?: string;
  flagId?: string;
}

export class Cast {
  private readonly cache = new Map<string, string>();
  constructor(private readonly t: TestApp) {}

  async token(name: ActorName, target?: Pick<Target, 'personId' | 'unit'>): Promise<string> {
    const claims: Claims =
      name === 'professional self'
        ? { role: 'professional', personId: target?.personId ?? 'nobody', unitId: target?.unit ?? 'u1' }
        : name === 'professional other'
          ? { role: 'professional', personId: 'someone-else', unitId: target?.unit ?? 'u1' }
          : name === 'professional self, token unit u2'
            ? { role: 'professional', personId: target?.personId ?? 'nobody', unitId: 'u2' }
            : { ...ACTORS[name] };
    const key = JSON.stringify(claims);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const token = await this.t.token(claims);
    this.cache.set(key, token);
    return token;
  }
}

/** Registers u1, u2, u3 (as the province 人社). */
export async function registerUnits(t: TestApp, cast: Cast): Promise<void> {
  const hr = await cast.token('人社 360000');
  for (const [unitId, unit] of Object.entries(UNITS)) {
    const res = await t.call('PUT', `/api/units/${unitId}`, { token: hr, body: { name: `Unit ${unitId}`, ...unit } });
    if (res.status !== 200) throw new Error(`unit ${unitId}: ${JSON.stringify(res.body)}`);
  }
}

// ─── Bodies ──────────────────────────────────────────────────────────────────────────────────

/** A valid measure (and subject, where the item takes one) for every item of RULES.md §2. */
export const ITEM_BODIES: Record<string, Record<string, unknown>> = {
  '8.1': { subject: 'public', measure: { hours: 10 } },
  '8.2': { subject: 'professional', measure: { minutes: 90 } },
  '8.3': { measure: { hours: 4 } },
  '8.4': { measure: { days: 1, extraMinutes: 45 } },
  '8.5': { measure: { days: 1 } },
  '8.6': { subject: 'professional', measure: { courses: 1 } },
  '8.7': { measure: { level: 'junior' } },
  '8.8': { measure: { points: 5000 } },
  '9.1': {},
  '9.2': { measure: { kind: 'sole' } },
  '9.3': { measure: { kind: 'invention' } },
  '9.4': { measure: { level: 'national' } },
  '9.5': { measure: { level: 'municipal' } },
  '10': { measure: { minutes: 90 } },
};
export const CATEGORIES = Object.keys(ITEM_BODIES);

/** A declaration of `category` valid for the role that sends it (evidence for a professional, unitId for an institution). */
export function declaration(category: string, role: string, options: { activityId?: string; unitId?: string } = {}): Record<string, unknown> {
  return {
    activityId: options.activityId ?? `act-${category.replace('.', '_')}`,
    category,
    title: `Item ${category}`,
    completedOn: '2024-05-06',
    ...ITEM_BODIES[category],
    ...(role === 'professional' ? { evidence: EVIDENCE } : {}),
    ...(role === 'institution' ? { unitId: options.unitId ?? 'u1' } : {}),
  };
}

export const yearUrl = (target: Pick<Target, 'personId' | 'year'>) => `/api/persons/${target.personId}/years/${target.year}`;

// ─── Person-years in a given state ───────────────────────────────────────────────────────────

export type YearState = 'none' | 'declared' | 'open' | 'confirmed' | 'flagged';

function must(res: Answer, what: string, status: number): void {
  if (res.status !== status) throw new Error(`setup (${what}) answered ${res.status}: ${JSON.stringify(res.body)}`);
}

/**
 * Brings a fresh person-year to a state:
 * - `none`: never written to;
 * - `declared`: the professional declared `a0` (waiting for the unit);
 * - `open`: the unit registered `h0` (8.3, verified on registration), nothing pending;
 * - `confirmed`: `open`, then confirmed by the unit;
 * - `flagged`: `open`, then flagged by the province 人社 (its `flagId` returned).
 */
export async function prepare(t: TestApp, cast: Cast, target: Target, state: YearState): Promise<Target> {
  const url = yearUrl(target);
  if (state === 'none') return target;
  if (state === 'declared') {
    const pro = await cast.token('professional self', target);
    must(await t.call('POST', `${url}/activities`, { token: pro, body: declaration('8.1', 'professional', { activityId: 'a0' }) }), 'declare', 201);
    return { ...target, activityId: 'a0' };
  }
  const unit = await cast.token(`unit ${target.unit}`);
  must(await t.call('POST', `${url}/activities`, { token: unit, body: declaration('8.3', 'unit', { activityId: 'h0' }) }), 'register', 201);
  if (state === 'confirmed') must(await t.call('POST', `${url}/unit-confirmation`, { token: unit, body: {} }), 'confirm', 200);
  if (state === 'flagged') {
    const flag = await t.call('POST', `${url}/fraud-flags`, { token: await cast.token('人社 360000'), body: { reason: 'forged certificate' } });
    must(flag, 'flag', 201);
    return { ...target, activityId: 'h0', flagId: flag.body.flagId };
  }
  return { ...target, activityId: 'h0' };
}

let serial = 0;
/** A person id no other test uses. */
export const freshPerson = (prefix = 'm') => `${prefix}${++serial}`;
