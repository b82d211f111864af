/**
 * The tiers of a person-year (RULES.md §3): which activities each holds at which hours, then
 * Art. 11, then the caps, then the totals per subject — the same rules for `declared`, `verified`
 * and `final`. Hot path of a province-year: the activities are read once into typed arrays, each
 * tier is one pass over those, and ordering happens only where a rule bites.
 */
import { applyArt11 } from './art11';
import { applyCap } from './caps';
import { categoryIndex, type CompiledRuleSet } from './compiled';
import type { Scratch } from './scratch';
import type { ActivityInput } from './types';

/** Bound once: under tsx/esbuild every use of an imported binding is a getter call. */
const indexOfCategory = categoryIndex;

export const DECLARED = 0;
export const VERIFIED = 1;
export const FINAL = 2;
export type TierIndex = typeof DECLARED | typeof VERIFIED | typeof FINAL;

/**
 * Reads the activities into `s`; returns a bit per tier (1 << tier) where Art. 11 has work (two or
 * more activities with a content key). An activity's hours per tier, -1 when the tier lacks it:
 * declared — all but withdrawn and unit-rejected, at the claimed hours;
 * verified — unit-verified (or verified on registration), at the unit's hours;
 * final — part of the last finalisation at the authority's hours; one it rejected (终审) is out.
 */
export function readActivities(acts: readonly ActivityInput[], n: number, s: Scratch, categories: number): number {
  const { cat, pub, allHead, allNext, sortedFrom, keyed } = s;
  const [declared, verified, final] = s.tiers;
  for (let ci = 0; ci < categories; ci++) {
    allHead[ci] = -1;
    sortedFrom[ci] = -1;
  }
  s.sortedTop = 0;
  let kd = 0;
  let kv = 0;
  let kf = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const a = acts[i]!;
    const ci = indexOfCategory(a.category);
    if (ci < 0) throw new TypeError(`activity ${a.activityId}: unknown category ${String(a.category)}`);
    cat[i] = ci;
    allNext[i] = allHead[ci]!;
    allHead[ci] = i;
    pub[i] = a.subject === 'public' ? 1 : 0;
    const status = a.status;
    const out = status === 'withdrawn' || status === 'rejected';
    const d = out ? -1 : a.claimed;
    const v = out ? -1 : status === 'verified' ? (a.verified ?? a.claimed) : (a.verified ?? -1);
    const f = a.final === null || a.finalRejected ? -1 : a.final;
    declared[i] = d;
    verified[i] = v;
    final[i] = f;
    if (a.contentKey !== null) {
      keyed[k++] = i;
      if (d >= 0) kd++;
      if (v >= 0) kv++;
      if (f >= 0) kf++;
    }
  }
  s.keyedCount = k;
  return (kd > 1 ? 1 : 0) | (kv > 1 ? 2 : 0) | (kf > 1 ? 4 : 0);
}

/**
 * Counts one tier: counted and winner per activity (with `detail` also group and capBefore, for
 * the explanation) and the tier's totals into `s.totals` [public, professional].
 */
export function countTier(c: CompiledRuleSet, acts: readonly ActivityInput[], n: number, s: Scratch, tier: TierIndex, keyed: boolean, detail: boolean): void {
  const hours = s.tiers[tier];
  s.hours = hours;
  const { counted, winner, group, capBefore, cat, pub, sums, allHead, totals } = s;
  const items = c.items;
  const m = items.length;
  for (let ci = 0; ci < m; ci++) sums[ci] = 0;
  let pubSum = 0;
  let proSum = 0;
  for (let i = 0; i < n; i++) {
    const h = hours[i]!;
    winner[i] = -1;
    if (detail) {
      group[i] = 0;
      capBefore[i] = -1;
    }
    if (h < 0) {
      counted[i] = 0;
      continue;
    }
    counted[i] = h;
    sums[cat[i]!] += h;
    if (pub[i] === 1) pubSum += h;
    else proSum += h;
  }
  totals[0] = pubSum;
  totals[1] = proSum;
  // Art. 11 first: superseded activities leave the sums and the totals and use up no cap.
  if (keyed) applyArt11(acts, s);
  for (let ci = 0; ci < m; ci++) {
    const cap = items[ci]!.cap;
    // Only an item over its cap needs ordering; explanations walk every capped item.
    if (cap >= 0 && (sums[ci]! > cap || (detail && allHead[ci]! >= 0))) applyCap(acts, s, ci, cap, detail);
  }
}
