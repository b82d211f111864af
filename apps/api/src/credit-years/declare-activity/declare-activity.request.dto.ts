import { z } from 'zod';
import { CATEGORIES, type Category } from '@jx/rules';
import type { ActorRole } from '@jx/domain';
import { date, evidence, id, line, printable } from '../../http/validation';

/** RULES.md §2 measure fields; their per-item shape and bounds are checked by libs/rules. */
const measure = z.strictObject({
  hours: z.number().optional(),
  minutes: z.number().optional(),
  days: z.number().optional(),
  extraMinutes: z.number().optional(),
  courses: z.number().optional(),
  points: z.number().optional(),
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
