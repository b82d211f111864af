/**
 * Art. 13 make-up (RULES.md §4): a make-up activity of year Y and a regular one of Y+1 are both
 * completed in Y+1, and the same content (its contentKey, else its activityId) counts in one of
 * the two years only, whichever came first. Checked when a declaration brings the content and when
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

/** The other person-year that may hold the same content: the next for make-up, else the previous. */
export const contentNeighbour = (year: number, makeUp: boolean): number => (makeUp ? year + 1 : year - 1);

/** Whether a year holds an active activity (make-up or regular, as asked) with this content. */
export function holdsContent(state: CreditYearState | null, content: string, makeUp: boolean): boolean {
  if (state === null) return false;
  for (const a of state.activities.values()) {
    if (!isActive(a) || a.data.makeUp !== makeUp) continue;
    if (contentOf(a.data.activityId, effectiveContentKey(a)) === content) return true;
  }
  return false;
}

export const contentAlreadyCounted = (content: string, year: number) =>
  conflict('CONTENT_ALREADY_COUNTED', `content ${content} already counts in ${year}`, ARTICLE);

/**
 * 409 CONTENT_ALREADY_COUNTED when the neighbouring year already counts `content`, the content an
 * activity of `year` is about to count under (a key being set, or its own content coming back).
 */
export function refuseCountedNextDoor(year: number, activity: ActivityState, content: string, neighbours: NeighbourYears): void {
  const makeUp = activity.data.makeUp;
  const other = contentNeighbour(year, makeUp);
  if (holdsContent(neighbours(other), content, !makeUp)) throw contentAlreadyCounted(content, other);
}
