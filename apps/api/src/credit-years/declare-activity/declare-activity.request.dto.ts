import { z } from 'zod';
import { CATEGORIES, MEASURE_BOUNDS, type Category } from '@jx/rules';
import type { ActorRole } from '@jx/domain';
import { date, evidence, id, line, printable } from '../../http/validation';

/**
 * RULES.md §2 measure fields; their per-item shape and bounds are checked by libs/rules (its
 * answers name the field), and described here for the OpenAPI document.
 */
const whole = (field: Exclude<keyof typeof MEASURE_BOUNDS, 'hours'>, description: string) => {
  const { min, max } = MEASURE_BOUNDS[field];
  return z.number().meta({ type: 'integer', minimum: min, maximum: max, description }).optional();
};
const measure = z.strictObject({
  hours: z.number().meta({ exclusiveMinimum: 0, maximum: MEASURE_BOUNDS.hours.max, description: 'hours, with at most 2 decimals (items measured in hours)' }).optional(),
  minutes: whole('minutes', 'minutes of actual time (45 minutes = 1 学时, Art. 7)'),
  days: whole('days', 'whole days (with extraMinutes for a part day)'),
  extraMinutes: whole('extraMinutes', 'minutes beyond the whole days, only together with days'),
  courses: whole('courses', 'courses passed, of one subject (item 8(6))'),
  points: whole('points', 'the 学习强国 points of the year (item 8(8))'),
  level: z.string().max(32).optional(),
  kind: z.string().max(32).optional(),
});

export const declareActivityBody = z.strictObject({
  activityId: id,
  category: z.enum(CATEGORIES),
  subject: z.enum(['public', 'professional']).optional(),
  title: line(200),
  completedOn: date,
  measure: measure.optional(),
  contentKey: printable(128).optional(),
  unitId: id.optional(),
  evidence: evidence.optional(),
});
export type DeclareActivityBody = z.infer<typeof declareActivityBody>;

/** Art. 12: who may declare or register which item (403 ITEM_NOT_ALLOWED_FOR_ROLE). */
export const ITEMS_BY_ROLE: Partial<Record<ActorRole, (c: Category) => boolean>> = {
  professional: (c) => c !== '8.3',
  institution: (c) => c === '8.1' || c === '8.2',
  unit: (c) => c === '8.3',
};
