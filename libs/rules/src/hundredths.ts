/**
 * Hour arithmetic (RULES.md §2, "hour arithmetic"): an activity's hours are computed exactly and
 * rounded half-up to 2 decimals once; everything after that is integer hundredths of a 学时.
 * Only this file turns hundredths into JSON numbers and back.
 */
import type { Hundredths } from './types';

/**
 * round-half-up(numerator / denominator) for non-negative safe integers, exactly:
 * ⌊(2n + d) / 2d⌋ computed with `%`, so no float division is ever floored.
 */
export function roundHalfUp(numerator: number, denominator: number): number {
  const m = 2 * numerator + denominator;
  const d = 2 * denominator;
  return (m - (m % d)) / d;
}

/** Hundredths → the JSON number a statement shows (x / 100 is the double nearest to the decimal). */
export function toHours(hundredths: Hundredths): number {
  return hundredths / 100;
}

/**
 * A JS number with at most 2 decimals → hundredths, or undefined when it has more decimals or is
 * not finite. `0.29 * 100` is 28.999…, so round first and then check that the value round-trips.
 */
export function tryFromHours(hours: number): Hundredths | undefined {
  if (typeof hours !== 'number' || !Number.isFinite(hours)) return undefined;
  const h = Math.round(hours * 100);
  if (!Number.isSafeInteger(h) || h / 100 !== hours) return undefined;
  return h + 0; // normalise -0
}

/** Like tryFromHours, but throws a RangeError for a value with more than 2 decimals. */
export function fromHours(hours: number): Hundredths {
  const h = tryFromHours(hours);
  if (h === undefined) throw new RangeError(`${String(hours)} is not a number of hours with at most 2 decimals`);
  return h;
}

/** Hundredths as "30.00", for explanations. */
export function formatHours(hundredths: Hundredths): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  const cents = abs % 100;
  return `${sign}${(abs - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
}
