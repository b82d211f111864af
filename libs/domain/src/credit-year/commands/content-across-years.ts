/**
 * Art. 13 make-up (RULES.md §4): a make-up activity's content (its contentKey, else its
 * activityId) counts in one year only: the same content in the following year's person-year —
 * a regular activity of Y+1, or a make-up one of Y+1's own — refuses the other, whichever came
 * first. Checked when a declaration brings the content and when the unit (verifying) or the
 * authority (finalising) links an activity to content by a key.
 *
 * A make-up period extended by `until` beyond the following year lets a make-up activity of Y be
 * completed in Y+2 or later; "counts in one year only" then reaches every person-year from Y+1
 * to the year it was completed in (the following year alone, for a period that was not extended).
 * So an activity of Y meets, when it is make-up, every activity of Y+1 … its completion year; and
 * in every case the make-up activities of earlier years completed in Y or later.
 */
import { conflict } from '../../shared/domain-error';
import { yearOf } from '../../shared/china-time';
import { effectiveContentKey, isActive, type ActivityState, type CreditYearState } from '../credit-year.state';

/** The article the refusal cites: RULES.md §4 states the rule under make-up. */
const ARTICLE = '13';

/** The first year of the measures (in force from 2023-07-01, Art. 17); no person-year is earlier. */
export const FIRST_YEAR = 2023;

/** The other person-years a decision may need, by year (null: never written to). */
export type NeighbourYears = (year: number) => CreditYearState | null;

const yearsFromTo = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/**
 * The person-years whose activities may share content with an activity of `year` completed in
 * `completedYear`: every earlier year (their make-up periods may reach this one), and the years
 * after it up to its completion (when it is make-up). No person-year after `lastYear` holds an
 * activity — nothing is completed later than today — so none after it is read: a date far in the
 * future reads no more streams than today's.
 */
export function contentYears(year: number, completedYear: number, lastYear: number): number[] {
  return [...yearsFromTo(FIRST_YEAR, Math.min(year - 1, lastYear)), ...yearsFromTo(year + 1, Math.min(completedYear, lastYear))];
}

/**
 * The years to read for a key set on a stored activity of `year` (its completion is known only
 * once the stream is read): every year but its own up to `lastYear`.
 */
export const contentYearsOfStored = (year: number, lastYear: number): number[] => contentYears(year, lastYear, lastYear);

export const contentOf = (activityId: string, contentKey: string | null): string => contentKey ?? activityId;

/**
 * Whether a year holds an active activity with this content: any activity, or (`makeUpFrom`) only
 * its make-up activities completed in that year or later.
 */
function holdsContent(state: CreditYearState | null, content: string, makeUpFrom: number | null): boolean {
  if (state === null) return false;
  for (const a of state.activities.values()) {
    if (!isActive(a)) continue;
    if (makeUpFrom !== null && (!a.data.makeUp || yearOf(a.data.completedOn) < makeUpFrom)) continue;
    if (contentOf(a.data.activityId, effectiveContentKey(a)) === content) return true;
  }
  return false;
}

/** What the check needs of the activity about to count: whether it is make-up, and when it was completed. */
export interface CountingActivity {
  makeUp: boolean;
  completedOn: string;
}

/**
 * The other year that already counts `content`, which an activity of `year` is about to count;
 * null when none does (nearest year first). `today` (China date) bounds the years asked for: none
 * later holds an activity (see contentYears, which reads them).
 */
export function yearCountingContent(year: number, activity: CountingActivity, content: string, neighbours: NeighbourYears, today: string): number | null {
  const lastYear = yearOf(today);
  if (activity.makeUp) {
    for (const y of yearsFromTo(year + 1, Math.min(yearOf(activity.completedOn), lastYear))) {
      if (holdsContent(neighbours(y), content, null)) return y;
    }
  }
  for (const y of yearsFromTo(FIRST_YEAR, Math.min(year - 1, lastYear)).reverse()) {
    if (holdsContent(neighbours(y), content, year)) return y;
  }
  return null;
}

export const contentAlreadyCounted = (content: string, year: number) =>
  conflict('CONTENT_ALREADY_COUNTED', `content ${content} already counts in ${year}`, ARTICLE);

/**
 * 409 CONTENT_ALREADY_COUNTED when another year already counts `content`, the content an
 * activity of `year` is about to count under (a key being set, or its own content coming back).
 */
export function refuseCountedNextDoor(year: number, activity: ActivityState, content: string, neighbours: NeighbourYears, today: string): void {
  const other = yearCountingContent(year, activity.data, content, neighbours, today);
  if (other !== null) throw contentAlreadyCounted(content, other);
}
