/**
 * Dates are calendar dates in China Standard Time, UTC+8 with no daylight saving (RULES.md §4).
 * Pure: the instant always comes from the caller's injected clock.
 */
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The China calendar date (YYYY-MM-DD) of an instant. */
export function chinaDate(instant: string | Date): string {
  const ms = (typeof instant === 'string' ? Date.parse(instant) : instant.getTime()) + CST_OFFSET_MS;
  return new Date(ms).toISOString().slice(0, 10);
}

/** True for a YYYY-MM-DD string that names a date that exists. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/** The day a year closes (RULES.md §4): `YEAR_CLOSES_ON` (MM-DD) of the following year. */
export function closingDate(year: number, closesOn: string): string {
  return `${year + 1}-${closesOn}`;
}

/** Default end of a short year's make-up period: the end of the following year (Art. 13). */
export function defaultMakeUpEnd(year: number): string {
  return `${year + 1}-12-31`;
}

/** A period that ends on `lastDay` is over once China's today is later than it. */
export function isPast(lastDay: string, today: string): boolean {
  return today > lastDay;
}

/** True for MM-DD strings that exist in a leap year (02-29 allowed). */
export function isMonthDay(value: string): boolean {
  return /^\d{2}-\d{2}$/.test(value) && isCalendarDate(`2024-${value}`);
}
