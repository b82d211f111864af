/**
 * The state of one person-year, folded from its own stream. Pure: the fold is the only way a
 * decision or a statement learns anything about the year.
 */
import type { ActivityStatus, Field, Hundredths } from '@jx/rules';
import { defaultMakeUpEnd, instantAfterChinaDay } from '../shared/china-time';
import { CREDIT_YEAR_EVENT_TYPES, type ActivityData, type CreditYearEvent, type Evidence } from './credit-year.events';
import { requireKnownType, UnknownEventTypeError } from '../shared/unknown-event';

export type Workflow = 'open' | 'confirmed' | 'finalized';

export interface ActivityState {
  data: ActivityData;
  /** Registered by an institution or the unit: verified on registration (RULES.md §1). */
  registered: boolean;
  /** Revision and time of the declaring event (the idempotent answer, inbox order). */
  declaredRevision: number;
  declaredAt: string;
  /** The declaring event's global position in the store; null where the events folded carry none. */
  declaredPosition: number | null;
  claimed: Hundredths;
  status: ActivityStatus;
  verified: Hundredths | null;
  unitContentKey: string | null;
  authorityContentKey: string | null;
  /** The authority's latest adjustment; carries over to later finalisations (RULES.md §4). */
  adjustment: Hundredths | null;
  /** Hours in the last finalisation; null when not part of it. */
  final: Hundredths | null;
}

export interface FlagState {
  flagId: string;
  reason: string;
  /** As the flag recorded it (its repeat under an Idempotency-Key must bring the same). */
  evidence: Evidence[];
  at: string;
  institutionId: string | null;
  courses: string[] | null;
  rescinded: boolean;
}

export interface CreditYearState {
  revision: number;
  personId: string;
  year: number;
  unitId: string;
  field: Field;
  workflow: Workflow;
  finalizedOnce: boolean;
  confirmedAt: string | null;
  activities: Map<string, ActivityState>;
  flags: Map<string, FlagState>;
  makeUp: { until: string; reason: string | null; promotionDelay: boolean };
  /** The last reason recorded, as recorded (an exact repeat of it records nothing). */
  lastReason: { reason: string; note: string | null; until: string | null } | null;
  /** How many field changes and reasons were recorded: each is bounded (see guards.ts). */
  fieldChanges: number;
  reasonsRecorded: number;
  /** When the make-up period ends (`makeUp.until`'s next midnight in China), as recorded times are written. */
  periodEndsAt: string;
  /**
   * The year as it stood when the make-up period ending on `until` ended: taken before the first
   * event recorded after that end (so null while none was). Art. 13's promotion delay is judged
   * on it (promotion-delay.ts). Without its flags: a year voided then is judged on its hours once
   * the flags are rescinded. A period extended later ends anew, and is taken anew.
   */
  atPeriodEnd: { until: string; year: CreditYearState } | null;
}

export interface EventMeta {
  revision: number;
  at: string;
  /** Global position in the store, where known (stored events carry it). */
  position: number | null;
}

export const toHundredths = (hours: number): Hundredths => Math.round(hours * 100);

export function isVoided(state: CreditYearState): boolean {
  for (const f of state.flags.values()) if (!f.rescinded) return true;
  return false;
}

/**
 * Rejected in the final tier: the last finalisation holds the authority's adjustment to 0 (RULES.md
 * §4). Not the same as a final of 0: an 8(8) under 1,000 points finalised as verified earns 0 hours
 * and is still active (it keeps the year's one 8(8), and its content).
 */
export function rejectedByAuthority(a: ActivityState): boolean {
  return a.final !== null && a.adjustment === 0;
}

/** Still counting somewhere: not withdrawn, not rejected by the unit, not adjusted to 0 by the authority. */
export function isActive(a: ActivityState): boolean {
  return a.status !== 'withdrawn' && a.status !== 'rejected' && !rejectedByAuthority(a);
}

export function effectiveContentKey(a: ActivityState): string | null {
  return a.authorityContentKey ?? a.unitContentKey ?? a.data.contentKey;
}

function opened(data: { personId: string; year: number; unitId: string; field: Field }, meta: EventMeta): CreditYearState {
  return {
    revision: meta.revision,
    ...data,
    workflow: 'open',
    finalizedOnce: false,
    confirmedAt: null,
    activities: new Map(),
    flags: new Map(),
    makeUp: { until: defaultMakeUpEnd(data.year), reason: null, promotionDelay: false },
    lastReason: null,
    fieldChanges: 0,
    reasonsRecorded: 0,
    periodEndsAt: instantAfterChinaDay(defaultMakeUpEnd(data.year)),
    atPeriodEnd: null,
  };
}

/** A copy of the year for atPeriodEnd: its own activities, no flags, nothing taken before. */
function asItStands(state: CreditYearState): CreditYearState {
  const activities = new Map<string, ActivityState>();
  for (const [id, a] of state.activities) activities.set(id, { ...a });
  return { ...state, activities, flags: new Map(), makeUp: { ...state.makeUp }, atPeriodEnd: null };
}

function addActivity(state: CreditYearState, data: ActivityData, registered: boolean, meta: EventMeta): void {
  const claimed = toHundredths(data.hours);
  state.activities.set(data.activityId, {
    data,
    registered,
    declaredRevision: meta.revision,
    declaredAt: meta.at,
    declaredPosition: meta.position,
    claimed,
    status: registered ? 'verified' : 'declared',
    verified: registered ? claimed : null,
    unitContentKey: null,
    authorityContentKey: null,
    adjustment: null,
    final: null,
  });
}

function finalize(state: CreditYearState, adjustments: ReadonlyArray<{ activityId: string; hours: number; contentKey: string | null }>): void {
  for (const adj of adjustments) {
    const a = state.activities.get(adj.activityId);
    if (!a) continue;
    a.adjustment = toHundredths(adj.hours);
    if (adj.contentKey !== null) a.authorityContentKey = adj.contentKey;
  }
  for (const a of state.activities.values()) {
    a.final = a.status === 'verified' && a.verified !== null ? Math.min(a.adjustment ?? a.verified, a.verified) : null;
  }
  state.workflow = 'finalized';
  state.finalizedOnce = true;
}

/** Applies one event. Mutates a state it owns; callers fold from `null` each time. */
export function evolve(state: CreditYearState | null, event: CreditYearEvent, meta: EventMeta): CreditYearState | null {
  if (event.type === 'PersonYearOpened') return opened(event.data, meta);
  if (state === null) return null;
  // The first event recorded after the make-up period ended: the year as it stood at that end first.
  if (meta.at >= state.periodEndsAt && state.atPeriodEnd?.until !== state.makeUp.until) {
    state.atPeriodEnd = { until: state.makeUp.until, year: asItStands(state) };
  }
  state.revision = meta.revision;
  const activity = 'activityId' in event.data ? state.activities.get(event.data.activityId) : undefined;
  switch (event.type) {
    case 'ActivityDeclared':
    case 'ActivityRegistered':
      addActivity(state, event.data, event.type === 'ActivityRegistered', meta);
      break;
    case 'ActivityWithdrawn':
      if (activity) activity.status = 'withdrawn';
      break;
    case 'ActivityVerifiedByUnit':
      if (activity) {
        activity.status = 'verified';
        activity.verified = toHundredths(event.data.hours);
        if (event.data.contentKey !== null) activity.unitContentKey = event.data.contentKey;
      }
      break;
    case 'ActivityRejectedByUnit':
      if (activity) {
        activity.status = 'rejected';
        if (event.data.contentKey !== null) activity.unitContentKey = event.data.contentKey;
      }
      break;
    case 'FieldSet':
      state.field = event.data.field;
      state.fieldChanges += 1;
      break;
    case 'YearConfirmedByUnit':
      state.workflow = 'confirmed';
      state.confirmedAt = meta.at;
      break;
    case 'YearReopened':
      state.workflow = 'open';
      state.confirmedAt = null;
      break;
    case 'YearFinalizedByAuthority':
      finalize(state, event.data.adjustments);
      break;
    case 'FraudFlagged':
      state.flags.set(event.data.flagId, { ...event.data, at: meta.at, rescinded: false });
      break;
    case 'FraudFlagRescinded': {
      const flag = state.flags.get(event.data.flagId);
      if (flag) flag.rescinded = true;
      break;
    }
    case 'MakeUpGranted':
      state.makeUp.reason = event.data.reason;
      state.lastReason = { reason: event.data.reason, note: event.data.note, until: event.data.until };
      state.reasonsRecorded += 1;
      if (event.data.until !== null && event.data.until > state.makeUp.until) {
        state.makeUp.until = event.data.until;
        state.periodEndsAt = instantAfterChinaDay(event.data.until);
      }
      break;
    case 'PromotionDelayRecorded':
      state.makeUp.promotionDelay = true;
      break;
    default: {
      // Every type is handled above (the compiler checks); any other is refused, never skipped.
      const unhandled: never = event;
      throw new UnknownEventTypeError((unhandled as { type: string }).type, meta.revision, undefined);
    }
  }
  return state;
}

/**
 * A recorded event as the fold needs it: its type, data and revision, and the time it was recorded
 * — its own `at`, or a stored event's `metadata.at` (read in place: no copy of each event per fold).
 */
export type RecordedCreditYearEvent = { type: string; data: unknown; revision: number; position?: number } & ({ at: string } | { metadata: { at: string } });

/** Folds recorded events (with their revision and time) into the year's state. */
export function foldCreditYear(events: ReadonlyArray<RecordedCreditYearEvent>): CreditYearState | null {
  let state: CreditYearState | null = null;
  // evolve copies what it keeps of the meta: one object serves the whole fold.
  const meta: EventMeta = { revision: 0, at: '', position: null };
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    requireKnownType(CREDIT_YEAR_EVENT_TYPES, e, i);
    meta.revision = e.revision;
    meta.position = e.position ?? null;
    meta.at = 'at' in e ? e.at : e.metadata.at;
    state = evolve(state, e as unknown as CreditYearEvent, meta);
  }
  return state;
}
