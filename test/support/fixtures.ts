/** Builders for the requests the e2e suites send again and again. */
import type { TestApp } from './test-app';

export const SHA = 'a'.repeat(64);
export const EVIDENCE = [{ name: 'certificate.pdf', sha256: SHA }];

export interface World {
  hr: string;
  unit: string;
  pro: string;
  institution: string;
  regulator: string;
}

/** A registered unit `u1` in Nanchang (360102), professional p1 employed there, and the usual actors. */
export async function world(t: TestApp, options: { unitId?: string; personId?: string; region?: string; industry?: string } = {}): Promise<World> {
  const unitId = options.unitId ?? 'u1';
  const personId = options.personId ?? 'p1';
  const hr = await t.token({ role: 'authority', region: '360000' });
  const put = await t.call('PUT', `/api/units/${unitId}`, {
    token: hr,
    body: { name: `Unit ${unitId}`, region: options.region ?? '360102', industry: options.industry ?? 'general' },
  });
  if (put.status !== 200) throw new Error(`unit setup failed: ${JSON.stringify(put.body)}`);
  return {
    hr,
    unit: await t.token({ role: 'unit', unitId }),
    pro: await t.token({ role: 'professional', personId, unitId }),
    institution: await t.token({ role: 'institution', institutionId: 'inst1' }),
    regulator: await t.token({ role: 'regulator', region: '360000' }),
  };
}

export function activity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    activityId: 'a1',
    category: '8.1',
    subject: 'public',
    title: 'Public course',
    completedOn: '2024-05-06',
    measure: { hours: 10 },
    evidence: EVIDENCE,
    ...overrides,
  };
}

export const yearPath = (personId = 'p1', year = 2024) => `/api/persons/${personId}/years/${year}`;

/**
 * The fields a 400 VALIDATION_FAILED (or INVALID_JSON) names, with their reasons: its message is
 * `field: reason; …` — API.md's error has no other member to carry them.
 */
export function refusedFields(body: { error?: { message?: string } }): Array<{ field: string; reason: string }> {
  return (body.error?.message ?? '').split('; ').map((part) => {
    const colon = part.indexOf(': ');
    return { field: part.slice(0, colon), reason: part.slice(colon + 2) };
  });
}

/** The reasons a 400 REASON_REQUIRED names as missing: its message ends `: field, field`. */
export function missingReasons(body: { error?: { message?: string } }): string[] {
  const message = body.error?.message ?? '';
  return message.slice(message.lastIndexOf(': ') + 2).split(', ');
}
