/**
 * FlagFraud (Art. 14): falsified material voids the person-year. A flag on an institution
 * reaches this year only if it holds a registration by that institution (of the named courses).
 */
import type { Evidence } from '../credit-year.events';
import { effectiveContentKey, type CreditYearState, type FlagState } from '../credit-year.state';
import { conflict } from '../../shared/domain-error';
import type { CreditYearDecision, DecideContext, UnitView } from './decide-context';
import { checkStoredScope, requireHrAuthority, requireYear } from './guards';

export interface FlagFraudCommand {
  personId: string;
  year: number;
  flagId: string;
  reason: string;
  evidence: Evidence[];
  institutionId: string | null;
  courses: string[] | null;
  /**
   * An institution flag reaches the registrations the store held when it was posted: those at
   * or before this global position (null: every registration). So the set it voids is fixed by
   * the post, whenever (and however often) its job runs; registrations made since need a post of
   * their own.
   */
  registeredUpTo: number | null;
}

function holdsRegistration(state: CreditYearState, institutionId: string, courses: string[] | null, upTo: number | null): boolean {
  for (const a of state.activities.values()) {
    if (a.data.institutionId !== institutionId) continue;
    if (upTo !== null && a.declaredPosition !== null && a.declaredPosition > upTo) continue;
    if (courses === null) return true;
    const key = effectiveContentKey(a);
    if (key !== null && courses.includes(key)) return true;
  }
  return false;
}

const sameCourses = (a: readonly string[] | null, b: readonly string[] | null): boolean => {
  if (a === null || b === null) return a === b;
  const set = new Set(a);
  return new Set(b).size === set.size && b.every((c) => set.has(c));
};

/** Evidence items in order, by name and hash. */
const sameEvidence = (a: readonly Evidence[], b: readonly Evidence[]): boolean =>
  a.length === b.length && a.every((e, i) => e.name === b[i]!.name && e.sha256 === b[i]!.sha256);

/** The flag held under an id is the one asked for again. */
const sameFlag = (held: FlagState, cmd: FlagFraudCommand): boolean =>
  held.reason === cmd.reason && held.institutionId === cmd.institutionId && sameCourses(held.courses, cmd.courses) && sameEvidence(held.evidence, cmd.evidence);

/**
 * The year already holds this institution flag — the same institution, reason and courses (as a
 * set), standing or rescinded, whatever its id: posting it again reaches only years without it,
 * and a rescission of it stands.
 */
function holdsInstitutionFlag(state: CreditYearState, cmd: FlagFraudCommand): boolean {
  for (const f of state.flags.values()) {
    if (f.institutionId === cmd.institutionId && f.reason === cmd.reason && sameCourses(f.courses, cmd.courses)) return true;
  }
  return false;
}

export function decideFlagFraud(cmd: FlagFraudCommand, current: CreditYearState | null, unit: UnitView, ctx: DecideContext): CreditYearDecision<{ flagged: boolean }> {
  const state = requireYear(current, cmd.personId, cmd.year);
  requireHrAuthority(ctx.actor);
  checkStoredScope(ctx.actor, state, unit);
  const ruleSetId = ctx.rules.idFor(state.field, state.year);
  // A repeat of the same flag (an institution job retried, or a person flag sent again under its
  // Idempotency-Key) changes nothing; the same key with another flag is a client's mistake.
  const known = state.flags.get(cmd.flagId);
  if (known !== undefined) {
    if (!sameFlag(known, cmd)) throw conflict('IDEMPOTENCY_KEY_REUSED', `flag ${cmd.flagId} of this person-year was recorded with another reason or evidence: the request repeats a key used for another flag`);
    return { events: [], ruleSetId, result: { flagged: true } };
  }
  if (cmd.institutionId !== null && holdsInstitutionFlag(state, cmd)) return { events: [], ruleSetId, result: { flagged: true } };
  if (cmd.institutionId !== null && !holdsRegistration(state, cmd.institutionId, cmd.courses, cmd.registeredUpTo)) {
    return { events: [], ruleSetId, result: { flagged: false } };
  }
  const { flagId, reason, evidence, institutionId, courses } = cmd;
  return { events: [{ type: 'FraudFlagged', data: { flagId, reason, evidence, institutionId, courses } }], ruleSetId, result: { flagged: true } };
}
