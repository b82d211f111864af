/**
 * DeclareActivity: a professional's declaration (Art. 12 ¶2), or an institution's (8.1/8.2) or
 * the unit's (8.3) registration, verified on registration (Art. 12 ¶1). Also make-up (Art. 13).
 */
import { validateMeasure, type Category, type Measure, type Subject } from '@jx/rules';
import { closingDate, chinaDate, defaultMakeUpEnd, isPast, yearOf } from '../../shared/china-time';
import { conflict, DomainError, notFound, unprocessable } from '../../shared/domain-error';
import type { CreditYearEvent, Evidence } from '../credit-year.events';
import { isActive, type CreditYearState } from '../credit-year.state';
import { evaluateYear } from '../statement';
import type { CreditYearDecision, DecideContext, UnitView } from './decide-context';
import { contentAlreadyCounted, contentOf, contentYears, yearCountingContent, type NeighbourYears } from './content-across-years';
import { refuseVoided } from './guards';

export interface DeclareActivityCommand {
  personId: string;
  year: number;
  /** The unit the command names: the token's (professional, unit) or the body's (institution). */
  unitId: string;
  activity: {
    activityId: string;
    category: Category;
    subject?: Subject;
    title: string;
    completedOn: string;
    measure: Measure;
    contentKey: string | null;
    evidence: Evidence[];
  };
  requestDigest: string;
}

export interface DeclareActivityResult {
  activityId: string;
  status: 'declared' | 'verified';
  hours: number;
  /** The revision of the declaring event; null: the last event this decision appends. */
  revision: number | null;
}

/**
 * The other person-years that may hold the same content (RULES.md §4, make-up; content-across-years):
 * the earlier ones, and for an activity completed after the year (make-up, if the year is short)
 * the later ones up to its completion; none after `lastYear`.
 */
export function neighbourYearsOf(cmd: DeclareActivityCommand, lastYear: number): number[] {
  return contentYears(cmd.year, yearOf(cmd.activity.completedOn), lastYear);
}

/** The end of a year's make-up period: the latest `until` recorded, else the end of the following year (Art. 13). */
const makeUpEnd = (year: number, state: CreditYearState | null): string => state?.makeUp.until ?? defaultMakeUpEnd(year);

function isShort(state: CreditYearState | null, ctx: DecideContext): boolean {
  if (state === null) return true;
  return !evaluateYear(state, ctx.rules.resolve(ctx.rules.idFor(state.field, state.year))).compliant;
}

/**
 * What the stored year forbids (409, RULES.md §4): a regular declaration after the year closed or
 * once it was finalised (later finalisations included: only make-up reopens it); a make-up one
 * after its period ended. An activity completed after the year is make-up only for a short year:
 * for any other it is a regular declaration, refused here once the year closed, else by its date.
 */
function refuseByYearState(cmd: DeclareActivityCommand, state: CreditYearState | null, makeUp: boolean, ctx: DecideContext): void {
  const today = chinaDate(ctx.now);
  // An activity completed after the year, refused because the year closed, is refused in the same
  // words whether it was make-up whose period is over or no make-up at all: neither the period's
  // end nor whether the year is short is told. An institution registers for people whose year it
  // may not read, and an end later than the default says that a legitimate reason (injury,
  // illness, pregnancy) was recorded; the statement shows both to those who may read it. (A
  // make-up declaration taken while its period runs tells the year is short: that is the rule.)
  const afterYearClosed = () => conflict('YEAR_CLOSED', `declarations for ${cmd.year} are closed and its make-up period, if it has one, is over`, '13');
  if (makeUp) {
    if (isPast(makeUpEnd(cmd.year, state), today)) throw afterYearClosed();
    return;
  }
  const closes = closingDate(cmd.year, ctx.yearClosesOn);
  if (isPast(closes, today)) throw yearOf(cmd.activity.completedOn) > cmd.year ? afterYearClosed() : conflict('YEAR_CLOSED', `declarations for ${cmd.year} closed on ${closes}`, '11');
  if (state?.finalizedOnce) throw conflict('YEAR_FINALIZED', 'this year was finalised; only make-up activities are taken', '12');
}

/** The dates a rule refuses given the stored year (422): outside the year and its make-up period, or in the future. */
function refuseDates(cmd: DeclareActivityCommand, makeUp: boolean, ctx: DecideContext): void {
  const done = cmd.activity.completedOn;
  if (yearOf(done) < cmd.year) throw unprocessable('OUTSIDE_YEAR', `completedOn ${done} is before ${cmd.year}`, '11');
  if (yearOf(done) > cmd.year && !makeUp) {
    // One message whether the year is short or not, naming no period end (see refuseByYearState).
    throw unprocessable('OUTSIDE_YEAR', `completedOn ${done} is after ${cmd.year} and outside any make-up period of it`, '13');
  }
  const today = chinaDate(ctx.now);
  if (done > today) throw unprocessable('COMPLETED_IN_FUTURE', `completedOn ${done} is later than today (${today})`, '11');
}

/**
 * Activities one person-year takes at most, withdrawn and rejected ones included (their events
 * stay). Far above any real year (90 hours, most items capped), it bounds what one token can make
 * every command on the year, its statement and its history cost: each command folds the whole
 * stream, and a history of 10,000 events with 20 evidence items each was 64 MB.
 */
export const MAX_ACTIVITIES_PER_YEAR = 500;

/**
 * The same activityId, body and actor (sub and role) again: the first answer, nothing written —
 * before any refusal, since a retry asks nothing new of the year (API.md, DeclareActivity). A sub
 * is an identity provider's, which may repeat across organisations: the same sub and role acting
 * for another institution, or for another unit than the year's, is not the actor that registered
 * it, and is decided afresh (UNIT_MISMATCH, ACTIVITY_ID_REUSED) rather than told it registered
 * what another organisation did.
 */
function exactRepeat(state: CreditYearState, cmd: DeclareActivityCommand, ctx: DecideContext): DeclareActivityResult | null {
  const prior = state.activities.get(cmd.activity.activityId);
  if (!prior || prior.data.declarant.id !== ctx.actor.sub || prior.data.declarant.role !== ctx.actor.role) return null;
  if (ctx.actor.role === 'institution' && prior.data.institutionId !== (ctx.actor.institutionId ?? null)) return null;
  if (ctx.actor.role === 'unit' && cmd.unitId !== state.unitId) return null;
  if (prior.data.requestDigest !== cmd.requestDigest) return null;
  return { activityId: prior.data.activityId, status: prior.registered ? 'verified' : 'declared', hours: prior.data.hours, revision: prior.declaredRevision };
}

export function decideDeclareActivity(
  cmd: DeclareActivityCommand,
  state: CreditYearState | null,
  unit: UnitView,
  neighbours: NeighbourYears,
  ctx: DecideContext,
): CreditYearDecision<DeclareActivityResult> {
  const repeat = state === null ? null : exactRepeat(state, cmd, ctx);
  if (repeat) return { events: [], ruleSetId: ctx.rules.idFor(state!.field, cmd.year), result: repeat };
  // The command names a unit (token or body): it must exist, even on a year already open.
  if (unit === null) throw notFound('UNIT_NOT_FOUND', `unit ${cmd.unitId} is not registered`);
  if (state !== null) refuseVoided(state);
  if (state !== null && state.unitId !== cmd.unitId) {
    // Another unit is not named: the caller may be an institution or a unit with no business knowing
    // where this person works (the professional sees it in their statement).
    throw conflict('UNIT_MISMATCH', 'this person-year belongs to another unit; a change of employer within a year is not handled', '12');
  }
  const field = state?.field ?? unit.industry;
  const ruleSetId = ctx.rules.idFor(field, cmd.year);
  if (state?.activities.has(cmd.activity.activityId)) {
    throw conflict('ACTIVITY_ID_REUSED', `activityId ${cmd.activity.activityId} is already used in this person-year`);
  }
  const a = cmd.activity;
  const measured = validateMeasure(ctx.rules.resolve(ruleSetId), { category: a.category, subject: a.subject, measure: a.measure });
  if (!measured.ok) throw new DomainError('invalid', 'VALIDATION_FAILED', measured.errors.map((e) => `${e.field}: ${e.reason}`).join('; '), undefined, measured.errors);
  // API.md's order: what the stored state forbids (409) before what a rule refuses (422).
  const afterYear = yearOf(a.completedOn) > cmd.year;
  const short = afterYear && isShort(state, ctx);
  // Make-up: completed after the year, within its period, for a short year (RULES.md §4). One
  // completed after the period is a regular declaration, refused as such: YEAR_CLOSED (409) once
  // the year closed, else OUTSIDE_YEAR (422) by its date.
  const makeUp = short && a.completedOn <= makeUpEnd(cmd.year, state);
  refuseByYearState(cmd, state, makeUp, ctx);
  if (state !== null && state.activities.size >= MAX_ACTIVITIES_PER_YEAR) {
    throw conflict('TOO_MANY_ACTIVITIES', `a person-year holds at most ${MAX_ACTIVITIES_PER_YEAR} activities, withdrawn and rejected ones included`);
  }
  if (a.category === '8.8' && state && [...state.activities.values()].some((x) => x.data.category === '8.8' && isActive(x))) {
    throw conflict('POINTS_ALREADY_DECLARED', 'this year already holds an active 学习强国 points activity', '8(8)');
  }
  const content = contentOf(a.activityId, a.contentKey);
  // (An activity after a year that is not short, or after its period, is refused below: no content to compare.)
  const countedIn = afterYear === makeUp ? yearCountingContent(cmd.year, { makeUp, completedOn: a.completedOn }, content, neighbours, chinaDate(ctx.now)) : null;
  if (countedIn !== null) throw contentAlreadyCounted(content, countedIn);
  refuseDates(cmd, makeUp, ctx);
  const registered = ctx.actor.role !== 'professional';
  const events: CreditYearEvent[] = [];
  if (state === null) events.push({ type: 'PersonYearOpened', data: { personId: cmd.personId, year: cmd.year, unitId: cmd.unitId, field } });
  else if (state.workflow === 'confirmed' || state.workflow === 'finalized') events.push({ type: 'YearReopened', data: { activityId: a.activityId, makeUp } });
  const hours = measured.hours / 100;
  events.push({
    type: registered ? 'ActivityRegistered' : 'ActivityDeclared',
    data: {
      activityId: a.activityId, category: a.category, subject: measured.subject, title: a.title,
      completedOn: a.completedOn, measure: a.measure, hours, contentKey: a.contentKey, evidence: a.evidence, makeUp,
      declarant: { id: ctx.actor.sub, role: ctx.actor.role },
      institutionId: ctx.actor.role === 'institution' ? ctx.actor.institutionId ?? null : null,
      requestDigest: cmd.requestDigest,
    },
  });
  return { events, ruleSetId, result: { activityId: a.activityId, status: registered ? 'verified' : 'declared', hours, revision: null } };
}
