/** The acting user, from a verified token (API.md, Authentication). */
export type Role = 'professional' | 'institution' | 'unit' | 'authority' | 'regulator';
export const ROLES: readonly Role[] = ['professional', 'institution', 'unit', 'authority', 'regulator'];

export interface ActorClaims {
  sub: string;
  role: Role;
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
