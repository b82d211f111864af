/**
 * Art. 13 make-up (RULES.md §4): a make-up activity's content (its contentKey, else its
 * activityId) counts in one year only: the same content in the following year's person-year —
 * a regular activity of Y+1, or a make-up one of Y+1's own — refuses the other, whichever came
 * first. Checked when a declaration brings the content and when
 * the unit (verifying) or the authority (finalising) links an activity to content by a key.
 */
import { conflict } from '../../shared/domain-error';
import { effectiveContentKey, isActive, type ActivityState, type CreditYearState } from '../credit-year.state';

/** The article the refusal cites: RULES.md §4 states the rule under make-up. */
const ARTICLE = '13';

/** The neighbouring person-years a decision may need, by year (null: never written to). */
export type NeighbourYears = (year: number) => CreditYearState | null;

/** The years whose streams a key set on an activity of `year` may have to be checked against. */
export const contentNeighbourYears = (year: number): [number, number] => [year - 1, year + 1];

export const contentOf = (activityId: string, contentKey: string | null): string => contentKey ?? activityId;

/**
 * Whether a year holds an active activity with this content: any activity, or (`makeUpOnly`) only
 * its make-up activities.
 */
export function holdsContent(state: CreditYearState | null, content: string, makeUpOnly: boolean): boolean {
  if (state === null) return false;
  for (const a of state.activities.values()) {
    if (!isActive(a) || (makeUpOnly && !a.data.makeUp)) continue;
    if (contentOf(a.data.activityId, effectiveContentKey(a)) === content) return true;
  }
  return false;
}

/**
 * The neighbouring year that already counts `content`, which an activity of `year` (make-up or
 * not) is about to count; null when none does. A make-up activity of Y shares its content with
 * every activity of Y+1, its following year: a regular one, or a make-up one of Y+1's own. So an
 * activity of Y meets Y+1 when it is make-up, and meets Y-1's make-up activities in every case.
 */
export function yearCountingContent(year: number, makeUp: boolean, content: string, neighbours: NeighbourYears): number | null {
  if (makeUp && holdsContent(neighbours(year + 1), content, false)) return year + 1;
  if (holdsContent(neighbours(year - 1), content, true)) return year - 1;
  return null;
}

/** The neighbouring years a decision about an activity of `year` reads (see yearCountingContent). */
export const contentNeighbours = (year: number, makeUp: boolean): number[] => (makeUp ? [year - 1, year + 1] : [year - 1]);

export const contentAlreadyCounted = (content: string, year: number) =>
  conflict('CONTENT_ALREADY_COUNTED', `content ${content} already counts in ${year}`, ARTICLE);

/**
 * 409 CONTENT_ALREADY_COUNTED when a neighbouring year already counts `content`, the content an
 * activity of `year` is about to count under (a key being set, or its own content coming back).
 */
export function refuseCountedNextDoor(year: number, activity: ActivityState, content: string, neighbours: NeighbourYears): void {
  const other = yearCountingContent(year, activity.data.makeUp, content, neighbours);
  if (other !== null) throw contentAlreadyCounted(content, other);
}
