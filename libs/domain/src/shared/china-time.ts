/**
 * Dates are calendar dates in China Standard Time, UTC+8 with no daylight saving (RULES.md §4).
 * Pure: the instant always comes from the caller's injected clock.
 */
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * The last instant asked for (its text, or its milliseconds for a Date) and its date: one command
 * asks for the date of its instant several times.
 */
let lastInstant: string | number = NaN;
let lastDate = '';

/** The China calendar date (YYYY-MM-DD) of an instant. */
export function chinaDate(instant: string | Date): string {
  const key = typeof instant === 'string' ? instant : instant.getTime();
  if (key === lastInstant) return lastDate;
  const date = new Date((typeof key === 'string' ? Date.parse(key) : key) + CST_OFFSET_MS).toISOString().slice(0, 10);
  lastInstant = key;
  lastDate = date;
  return date;
}

const YYYY_MM_DD = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** True for a YYYY-MM-DD string that names a date that exists (proleptic Gregorian calendar). */
export function isCalendarDate(value: string): boolean {
  const m = YYYY_MM_DD.exec(value);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!);
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

/**
 * The first instant after `lastDay` in China (its next midnight, UTC+8), as the UTC ISO-8601 text
 * with milliseconds that every recorded `at` is: so a recorded time compares with it as text.
 */
export function instantAfterChinaDay(lastDay: string): string {
  return `${lastDay}T16:00:00.000Z`;
}

/** A period that ends on `lastDay` is over once China's today is later than it. */
export function isPast(lastDay: string, today: string): boolean {
  return today > lastDay;
}

/** True for MM-DD strings that exist in a leap year (02-29 allowed). */
export function isMonthDay(value: string): boolean {
  return /^\d{2}-\d{2}$/.test(value) && isCalendarDate(`2024-${value}`);
}
