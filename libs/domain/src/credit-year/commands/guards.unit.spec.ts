import { checkStoredScope, scopeNeedsUnit } from './guards';
import type { ActorClaims } from '../../shared/actor';
import { actors, fold, opened, UNIT } from '../../testing/decider-spec';

const year = fold([opened('p1')])!;
const elsewhere = { ...UNIT, region: '360402' };
const answer = (actor: ActorClaims, unit: typeof UNIT | null): string => {
  try {
    checkStoredScope(actor, year, unit);
    return 'allowed';
  } catch (refusal: unknown) {
    return (refusal as { code?: string }).code ?? 'error';
  }
};

describe('stored scope: which readers need the year’s unit (API.md: scope judged on a unit’s current region)', () => {
  const allActors: Array<[string, ActorClaims]> = [
    ...Object.entries(actors),
    ['regulator', { sub: 'audit', role: 'regulator', region: '360100' }],
    ['other professional', { sub: 'user-p2', role: 'professional', personId: 'p2', unitId: 'u1' }],
  ];

  it.each(allActors.filter(([, a]) => !scopeNeedsUnit(a)))('%s: the answer does not depend on the unit, so it is not read', (_, actor) => {
    expect(answer(actor, null)).toBe(answer(actor, UNIT));
    expect(answer(actor, null)).toBe(answer(actor, elsewhere));
  });

  it.each(allActors.filter(([, a]) => scopeNeedsUnit(a)))('%s: the unit’s region decides, so it is read', (_, actor) => {
    expect(answer(actor, null)).toBe('OUT_OF_SCOPE');
  });

  it('an authority and a regulator need it; a professional, a unit and an institution do not', () => {
    expect(allActors.map(([name, a]) => [name, scopeNeedsUnit(a)])).toEqual(allActors.map(([name, a]) => [name, a.role === 'authority' || a.role === 'regulator']));
    expect(answer(actors.city, UNIT)).toBe('allowed');
    expect(answer(actors.city, elsewhere)).toBe('OUT_OF_SCOPE');
  });
});
