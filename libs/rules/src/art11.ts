/**
 * Art. 11 "同一项内容，按最高级别认定，不重复计算学时": within one tier, activities sharing a
 * `contentKey` count once. **Decision** (RULES.md §3): the one with the most hours counts; tie:
 * earliest `completedOn`, then smallest `activityId` by code-point order. The others count 0 and
 * use up no cap. The order is total, so the winner never depends on the input order.
 */
import type { Scratch } from './scratch';
import type { ActivityInput } from './types';

/** True when activity i ranks before activity j for Art. 11 (plain `<`: code-point order). */
function ranksBefore(acts: readonly ActivityInput[], hours: Float64Array, i: number, j: number): boolean {
  if (hours[i] !== hours[j]) return hours[i]! > hours[j]!;
  const a = acts[i]!;
  const b = acts[j]!;
  if (a.completedOn !== b.completedOn) return a.completedOn < b.completedOn;
  return a.activityId < b.activityId;
}

/** Takes a superseded activity out of its tier: counted 0, out of its item's sum and the totals. */
function supersede(s: Scratch, i: number, by: number): void {
  const h = s.hours[i]!;
  s.winner[i] = by;
  s.counted[i] = 0;
  s.sums[s.cat[i]!] -= h;
  s.totals[s.pub[i] === 1 ? 0 : 1] -= h;
}

/**
 * Marks superseded activities (winner ≥ 0) among the tier's activities with a content key, and
 * for explanations the size of each group. Small sets pairwise, large ones by Map.
 */
export function applyArt11(acts: readonly ActivityInput[], s: Scratch): void {
  const { hours, order, group, keyed } = s;
  let k = 0;
  for (let x = 0; x < s.keyedCount; x++) {
    const i = keyed[x]!;
    if (hours[i]! >= 0) order[k++] = i;
  }
  if (k <= 32) {
    for (let x = 0; x < k; x++) {
      const i = order[x]!;
      const key = acts[i]!.contentKey;
      let best = i;
      let size = 0;
      for (let y = 0; y < k; y++) {
        const j = order[y]!;
        if (acts[j]!.contentKey !== key) continue;
        size++;
        if (ranksBefore(acts, hours, j, best)) best = j;
      }
      group[i] = size;
      if (best !== i) supersede(s, i, best);
    }
    return;
  }
  const bestOf = new Map<string, number>();
  const sizeOf = new Map<string, number>();
  for (let x = 0; x < k; x++) {
    const i = order[x]!;
    const key = acts[i]!.contentKey!;
    const best = bestOf.get(key);
    if (best === undefined || ranksBefore(acts, hours, i, best)) bestOf.set(key, i);
    sizeOf.set(key, (sizeOf.get(key) ?? 0) + 1);
  }
  for (let x = 0; x < k; x++) {
    const i = order[x]!;
    const key = acts[i]!.contentKey!;
    const best = bestOf.get(key)!;
    group[i] = sizeOf.get(key)!;
    if (best !== i) supersede(s, i, best);
  }
}
