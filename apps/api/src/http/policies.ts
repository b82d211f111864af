/**
 * 403 from what the token and the path decide (API.md order: after 401, before 400).
 * What only the stored person-year decides (its unit, region, field) is the domain's.
 */
import { isHrAuthority, PROVINCE, regionCovers, type ActorClaims, type ActorRole } from '@jx/domain';
import { forbiddenError } from './http-error';
import { region as regionCode } from './validation';

export function requireRole(actor: ActorClaims, ...roles: ActorRole[]): void {
  if (!roles.includes(actor.role)) throw forbiddenError(`this needs the role ${roles.join(' or ')}`);
}

export function requireOwnPerson(actor: ActorClaims, personId: string): void {
  if (actor.role === 'professional' && actor.personId !== personId) throw forbiddenError('a professional acts on their own records only');
}

/** Art. 14: only 人社 flags fraud; the institution-wide flag and rescission need the province. */
export function requireHr(actor: ActorClaims, province = false): void {
  if (!isHrAuthority(actor)) throw forbiddenError('only a 人社 authority may do this', 'FORBIDDEN', '14');
  if (province && actor.region !== PROVINCE) throw forbiddenError('only the province (360000) may do this', 'FORBIDDEN', '14');
}

/** `stored`: the region is a stored unit's, not one the caller asked for, and is not named back. */
export function requireRegion(actor: ActorClaims, region: string, stored = false): void {
  if (!regionCovers(actor.region ?? '', region)) throw forbiddenError(stored ? 'this unit is outside your scope' : `region ${region} is outside your scope`, 'OUT_OF_SCOPE');
}

/**
 * A well-formed `region` asked for in the query is scope that token and request decide: it is
 * judged (403) before the rest of the query is validated (400), as API.md orders them. A malformed
 * one cannot be judged and is left to the validation's 400.
 */
export function requireQueryRegion(actor: ActorClaims, query: unknown): void {
  const asked = typeof query === 'object' && query !== null ? (query as Record<string, unknown>).region : undefined;
  const parsed = regionCode.safeParse(asked);
  if (parsed.success) requireRegion(actor, parsed.data);
}
