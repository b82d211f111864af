/**
 * Bounds of each measure field (RULES.md §2 "hour arithmetic" and API.md "Bounds"), checked one
 * field at a time. A reason is returned for a bad value, undefined for a good one.
 */
import type { Measure } from './types';

export const MEASURE_FIELDS = ['hours', 'minutes', 'days', 'extraMinutes', 'courses', 'points', 'level', 'kind'] as const;

export const MEASURE_BOUNDS = {
  hours: { max: 2000 },
  minutes: { min: 1, max: 527040 },
  days: { min: 1, max: 366 },
  extraMinutes: { min: 0, max: 359 },
  courses: { min: 1, max: 20 },
  points: { min: 0, max: 10_000_000 },
} as const;

export function isMeasureField(key: string): key is keyof Measure {
  return (MEASURE_FIELDS as readonly string[]).includes(key);
}

function wholeNumber(value: unknown, min: number, max: number): string | undefined {
  if (typeof value !== 'number') return 'must be a number';
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (!Number.isInteger(value)) return 'must be a whole number';
  if (value < min || value > max) return `must be between ${min} and ${max}`;
  return undefined;
}

function hoursValue(value: unknown): string | undefined {
  if (typeof value !== 'number') return 'must be a number';
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (value <= 0) return 'must be greater than 0';
  if (value > MEASURE_BOUNDS.hours.max) return `must be at most ${MEASURE_BOUNDS.hours.max}`;
  // At most 2 decimals: 0.29 passes although 0.29 * 100 is 28.999… in binary.
  if (Math.round(value * 100) / 100 !== value) return 'must have at most 2 decimals';
  return undefined;
}

/** `partDayBelowMinutes` (Art. 7, 360): extra minutes are a part day, so fewer than that. */
export function checkMeasureValue(key: keyof Measure, value: unknown, partDayBelowMinutes: number): string | undefined {
  switch (key) {
    case 'hours':
      return hoursValue(value);
    case 'extraMinutes':
      return wholeNumber(value, 0, Math.min(MEASURE_BOUNDS.extraMinutes.max, partDayBelowMinutes - 1));
    case 'minutes':
    case 'days':
    case 'courses':
    case 'points':
      return wholeNumber(value, MEASURE_BOUNDS[key].min, MEASURE_BOUNDS[key].max);
    case 'level':
    case 'kind':
      return typeof value === 'string' ? undefined : 'must be a string';
  }
}
