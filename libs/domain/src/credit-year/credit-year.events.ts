/**
 * Events of a person-year stream `creditYear-{personId}+{year}`. Types are stable past-tense
 * literals; a stored shape changes only through an upcaster. Hours are decimal numbers with at
 * most 2 decimals (what a regulator reads in History); the fold turns them into hundredths.
 */
import type { Category, Field, Measure, Subject } from '@jx/rules';
import type { ActorRole } from '../shared/actor';

export interface Evidence {
  name: string;
  sha256: string;
}

export interface PersonYearOpened {
  type: 'PersonYearOpened';
  data: { personId: string; year: number; unitId: string; field: Field };
}

/** Shared by a professional's declaration and an organiser's or unit's registration. */
export interface ActivityData {
  activityId: string;
  category: Category;
  subject: Subject;
  title: string;
  completedOn: string;
  measure: Measure;
  hours: number;
  contentKey: string | null;
  evidence: Evidence[];
  /** Completed after the year, inside its make-up period (Art. 13). */
  makeUp: boolean;
  /** Who declared: for the idempotent repeat (same activityId, body and actor → same answer). */
  declarant: { id: string; role: ActorRole };
  institutionId: string | null;
  /** Digest of the request body that created it, to tell a repeat from a reuse. */
  requestDigest: string;
}

/** A professional's own declaration (Art. 12 ¶2): waits for the unit. */
export interface ActivityDeclared {
  type: 'ActivityDeclared';
  data: ActivityData;
}

/** An institution's (8.1/8.2) or the unit's (8.3) registration: verified on registration (Art. 12 ¶1). */
export interface ActivityRegistered {
  type: 'ActivityRegistered';
  data: ActivityData;
}

export interface ActivityWithdrawn {
  type: 'ActivityWithdrawn';
  data: { activityId: string };
}

/** 核定 = unit verification, possibly with fewer hours than claimed. */
export interface ActivityVerifiedByUnit {
  type: 'ActivityVerifiedByUnit';
  data: { activityId: string; hours: number; reason: string | null; contentKey: string | null };
}

export interface ActivityRejectedByUnit {
  type: 'ActivityRejectedByUnit';
  data: { activityId: string; reason: string; contentKey: string | null };
}

export interface FieldSet {
  type: 'FieldSet';
  data: { field: Field };
}

export interface YearConfirmedByUnit {
  type: 'YearConfirmedByUnit';
  data: { note: string | null };
}

/** A later declaration or registration (or a make-up one on a finalised year) reopens the year. */
export interface YearReopened {
  type: 'YearReopened';
  data: { activityId: string; makeUp: boolean };
}

export interface Adjustment {
  activityId: string;
  hours: number;
  reason: string;
  contentKey: string | null;
}

/** 终审 = the authority's final review (Art. 12 ¶3). */
export interface YearFinalizedByAuthority {
  type: 'YearFinalizedByAuthority';
  data: { decision: 'approve'; adjustments: Adjustment[] };
}

export interface FraudFlagged {
  type: 'FraudFlagged';
  data: {
    flagId: string;
    reason: string;
    evidence: Evidence[];
    institutionId: string | null;
    courses: string[] | null;
  };
}

export interface FraudFlagRescinded {
  type: 'FraudFlagRescinded';
  data: { flagId: string; reason: string };
}

/** A legitimate reason for not completing the year (Art. 13), possibly extending the period. */
export interface MakeUpGranted {
  type: 'MakeUpGranted';
  data: { reason: 'injury' | 'illness' | 'pregnancy' | 'other'; note: string | null; until: string | null };
}

/** The make-up period ended with the year still short and no legitimate reason (Art. 13). */
export interface PromotionDelayRecorded {
  type: 'PromotionDelayRecorded';
  data: { periodEnded: string; shortfall: { public: number; professional: number } };
}

export type CreditYearEvent =
  | PersonYearOpened
  | ActivityDeclared
  | ActivityRegistered
  | ActivityWithdrawn
  | ActivityVerifiedByUnit
  | ActivityRejectedByUnit
  | FieldSet
  | YearConfirmedByUnit
  | YearReopened
  | YearFinalizedByAuthority
  | FraudFlagged
  | FraudFlagRescinded
  | MakeUpGranted
  | PromotionDelayRecorded;

export type CreditYearEventType = CreditYearEvent['type'];

/** Every type above, once: the compiler holds the list to the union. */
const TYPES: Record<CreditYearEventType, true> = {
  PersonYearOpened: true,
  ActivityDeclared: true,
  ActivityRegistered: true,
  ActivityWithdrawn: true,
  ActivityVerifiedByUnit: true,
  ActivityRejectedByUnit: true,
  FieldSet: true,
  YearConfirmedByUnit: true,
  YearReopened: true,
  YearFinalizedByAuthority: true,
  FraudFlagged: true,
  FraudFlagRescinded: true,
  MakeUpGranted: true,
  PromotionDelayRecorded: true,
};
export const CREDIT_YEAR_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(TYPES));
