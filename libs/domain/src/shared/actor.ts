/** The acting user, from a verified token (API.md, Authentication). */
export type Role = 'professional' | 'institution' | 'unit' | 'authority' | 'regulator';
export const ROLES: readonly Role[] = ['professional', 'institution', 'unit', 'authority', 'regulator'];

/** `system`: the product's own scheduled work (never a token's role; the auth guard refuses it). */
export type ActorRole = Role | 'system';

export interface ActorClaims {
  sub: string;
  role: ActorRole;
  personId?: string;
  unitId?: string;
  institutionId?: string;
  region?: string;
  /** Present for an industry authority (行业主管部门); absent for 人社. */
  industry?: string;
}

/** 人社 = the human-resources and social-security authority: an authority with no industry. */
export function isHrAuthority(actor: ActorClaims): boolean {
  return actor.role === 'authority' && actor.industry === undefined;
}

/** The scheduler's identity on the events it causes (Art. 13's promotion delay). */
export const SYSTEM_ACTOR: ActorClaims = { sub: 'system:scheduler', role: 'system' };
