/**
 * The hours one valid measure earns (RULES.md §2), computed exactly and rounded half-up to
 * hundredths once. Shared by measure validation and by the explanation of each activity.
 */
import type { CompiledItem } from './compiled';
import { roundHalfUp, tryFromHours } from './hundredths';
import type { Art7 } from './rule-set.schema';
import type { Hundredths, Measure } from './types';

export interface MeasureHours {
  hours: Hundredths;
  /** False when rounding (or 8(8)'s ⌊ ⌋) dropped a remainder: the explanation then says "≈". */
  exact: boolean;
}

/** Undefined when the measure does not fit the item (validateMeasure says why). */
export function measureHours(item: CompiledItem, art7: Readonly<Art7>, m: Measure): MeasureHours | undefined {
  const rule = item.measure;
  switch (rule.kind) {
    case 'duration': {
      // Art. 7: minutes ÷ 45; a day is 8 学时 = 360 minutes; × the item's multiplier (Art. 10: 2).
      let numerator: number;
      let denominator: number;
      if (m.hours !== undefined) {
        const h = tryFromHours(m.hours);
        if (h === undefined) return undefined;
        numerator = h * rule.multiplier100;
        denominator = 100;
      } else {
        const minutes = m.days !== undefined ? m.days * art7.hoursPerDay * art7.minutesPerHour + (m.extraMinutes ?? 0) : m.minutes;
        if (minutes === undefined) return undefined;
        numerator = minutes * rule.multiplier100;
        denominator = art7.minutesPerHour;
      }
      return { hours: roundHalfUp(numerator, denominator), exact: numerator % denominator === 0 };
    }
    case 'courses':
      return m.courses === undefined ? undefined : { hours: m.courses * rule.perCourse, exact: true };
    case 'points': {
      // Art. 8(8): every full 1000 points is one 学时 (whole 学时, "每 1000 分折算为 1 学时").
      if (m.points === undefined) return undefined;
      const rest = m.points % rule.pointsPerHour;
      return { hours: ((m.points - rest) / rule.pointsPerHour) * 100, exact: rest === 0 };
    }
    case 'table': {
      const key = m[rule.field];
      const value = key === undefined ? undefined : rule.values.get(key);
      return value === undefined ? undefined : { hours: value.hours, exact: true };
    }
    case 'fixed':
      return { hours: rule.hours, exact: true };
  }
}
