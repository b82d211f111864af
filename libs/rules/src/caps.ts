/**
 * Yearly caps per item (Arts. 8–10), applied after Art. 11. **Decision** (RULES.md §3): within a
 * capped item, activities count in order of `completedOn`, then `activityId` (code-point order);
 * the one that crosses the cap is cut to what remains, later ones count 0. The cap covers both
 * subjects of the item together (8(6)).
 */
import type { Scratch } from './scratch';
import type { ActivityInput } from './types';

function before(acts: readonly ActivityInput[], i: number, j: number): boolean {
  const a = acts[i]!;
  const b = acts[j]!;
  if (a.completedOn !== b.completedOn) return a.completedOn < b.completedOn;
  return a.activityId < b.activityId;
}

/** Sorts `list[from, from + m)` chronologically; insertion sort for the handful of a person-year. */
function sortChronologically(acts: readonly ActivityInput[], list: Int32Array, from: number, m: number): void {
  if (m > 64) {
    const part = Array.from(list.subarray(from, from + m));
    part.sort((i, j) => (before(acts, i, j) ? -1 : before(acts, j, i) ? 1 : 0));
    list.set(part, from);
    return;
  }
  for (let x = from + 1; x < from + m; x++) {
    const v = list[x]!;
    let y = x - 1;
    while (y >= from && before(acts, v, list[y]!)) {
      list[y + 1] = list[y]!;
      y--;
    }
    list[y + 1] = v;
  }
}

/** The activities of category `ci` in chronological order, sorted once per evaluation. */
function chronological(acts: readonly ActivityInput[], s: Scratch, ci: number): number {
  let from = s.sortedFrom[ci]!;
  if (from < 0) {
    from = s.sortedTop;
    let m = 0;
    for (let i = s.allHead[ci]!; i >= 0; i = s.allNext[i]!) s.sorted[from + m++] = i;
    sortChronologically(acts, s.sorted, from, m);
    s.sortedFrom[ci] = from;
    s.sortedCount[ci] = m;
    s.sortedTop = from + m;
  }
  return from;
}

/**
 * Walks the tier's activities of category `ci` (less those Art. 11 superseded) in order and cuts
 * them to `cap`; what is cut leaves `s.totals`.
 */
export function applyCap(acts: readonly ActivityInput[], s: Scratch, ci: number, cap: number, detail: boolean): void {
  const { hours, winner, counted, capBefore, sorted, pub, totals } = s;
  const from = chronological(acts, s, ci);
  const to = from + s.sortedCount[ci]!;
  let used = 0;
  for (let x = from; x < to; x++) {
    const i = sorted[x]!;
    const h = hours[i]!;
    if (h < 0 || winner[i]! >= 0) continue;
    const room = cap - used;
    const take = h <= room ? h : room;
    if (take < h) {
      counted[i] = take;
      totals[pub[i] === 1 ? 0 : 1] -= h - take;
    }
    if (detail) capBefore[i] = used;
    used += take;
  }
}
