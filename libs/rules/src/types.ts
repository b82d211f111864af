/**
 * The contract of libs/rules: what the evaluator takes and what it gives.
 * Hours inside the engine are integer hundredths of an hour (RULES.md §2, "hour arithmetic");
 * they become JSON numbers with at most 2 decimals only in a Statement.
 */

/** 公需科目 = public subjects; 专业科目 = professional subjects (Art. 6). */
export type Subject = 'public' | 'professional';

export const CATEGORIES = [
  '8.1', '8.2', '8.3', '8.4', '8.5', '8.6', '8.7', '8.8',
  '9.1', '9.2', '9.3', '9.4', '9.5', '10',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Integer hundredths of one 学时. */
export type Hundredths = number;

/** The measure of an activity exactly as it arrives in a request (RULES.md §2). */
export interface Measure {
  hours?: number;
  minutes?: number;
  days?: number;
  extraMinutes?: number;
  courses?: number;
  points?: number;
  level?: string;
  kind?: string;
}

/** An activity's workflow state as the unit sees it (RULES.md §4). */
export type ActivityStatus = 'declared' | 'verified' | 'rejected' | 'withdrawn';

export interface ActivityInput {
  activityId: string;
  category: Category;
  /** The subject resolved at declaration (fixed by the item, or declared). */
  subject: Subject;
  title: string;
  /** Calendar date in China Standard Time, YYYY-MM-DD. */
  completedOn: string;
  measure: Measure;
  /** Hours the measure earns (Art. 7–10), rounded once. */
  claimed: Hundredths;
  /** The unit's view: `declared`, `verified` (also on registration), `rejected`, `withdrawn`. */
  status: ActivityStatus;
  /** Hours the unit verified (or registered), null while not verified. */
  verified: Hundredths | null;
  /**
   * Hours in the last finalisation (the authority's adjustment, else the verified hours then);
   * null when the activity was not part of the last finalisation.
   */
  final: Hundredths | null;
  /**
   * Whether the last finalisation rejected it: the authority adjusted it to 0 (RULES.md §4). Not
   * the same as `final` 0: an activity that earns 0 hours (8(8) under 1,000 points) and was
   * finalised as verified is counted at 0, not rejected.
   */
  finalRejected: boolean;
  /** Effective content key for Art. 11 (the authority's, else the unit's, else the declarer's). */
  contentKey: string | null;
}

export type YearStatus = 'open' | 'confirmed' | 'finalized' | 'voided';

export interface MakeUpInput {
  /** End of the make-up period (YYYY-MM-DD): the default end of the following year, or later. */
  until: string;
  reason: string | null;
  promotionDelay: boolean;
}

export interface PersonYearInput {
  year: number;
  status: YearStatus;
  /** True once the year has been finalised at least once (then `totals.final` is not null). */
  finalized: boolean;
  activities: readonly ActivityInput[];
  makeUp: MakeUpInput;
}

export type Tier = 'declared' | 'verified' | 'final';

export interface SubjectTotals {
  public: number;
  professional: number;
  total: number;
}

/** One step of an activity's derivation: what a regulator reads to see why a number is what it is. */
export interface ExplanationStep {
  /** Stable code, e.g. `ART7_DAYS`, `ART8_CAP`, `ART11_SUPERSEDED`, `ART14_VOIDED` (libs/rules/README.md lists them). */
  code: string;
  /** The article applied, as cited in RULES.md: "7", "8(3)", "11", "14". */
  article: string;
  /** The numbers the step used, hours as decimal numbers. */
  values: Record<string, number | string | null>;
  /** One zh-CN sentence, e.g. "3 天 × 8 + 270 分钟 ÷ 45 = 30.00 学时". */
  text: string;
}

export type ActivityNote = 'CAPPED' | 'ART11_SUPERSEDED' | 'VOIDED' | 'NOT_COUNTED';

export interface ActivityStatement {
  activityId: string;
  category: Category;
  subject: Subject;
  title: string;
  completedOn: string;
  /** `rejected` also when the authority adjusted it to 0 (only the final tier changes). */
  status: ActivityStatus;
  hours: { claimed: number; verified: number | null; final: number | null; counted: number };
  notes: ActivityNote[];
  explanation: ExplanationStep[];
}

/** The part of API.md's statement that the rules decide. */
export interface Evaluation {
  ruleSet: string;
  requirement: SubjectTotals;
  totals: { declared: SubjectTotals; verified: SubjectTotals; final: SubjectTotals | null };
  compliant: boolean;
  shortfall: { public: number; professional: number };
  makeUp: { until: string | null; reason: string | null; promotionDelay: boolean };
  activities: ActivityStatement[];
}

export interface MeasureError {
  /** Request field path, e.g. `measure.days`, `subject`. */
  field: string;
  reason: string;
}

export type MeasureResult =
  | { ok: true; hours: Hundredths; subject: Subject }
  | { ok: false; errors: MeasureError[] };
