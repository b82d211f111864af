import { z } from 'zod';
import { hours, optionalReason, printable } from '../../http/validation';

export const unitVerifyBody = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  hours: hours(2000).refine((h) => h > 0, 'must be more than 0 (0 hours is a rejection)').optional(),
  reason: optionalReason,
  contentKey: printable(128).optional(),
});
