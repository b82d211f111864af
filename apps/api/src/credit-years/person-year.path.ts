import { z } from 'zod';
import { id, yearParam } from '../http/validation';

export const personYearPath = z.strictObject({ personId: id, year: yearParam });
export const activityPath = personYearPath.extend({ activityId: id });
export const flagPath = personYearPath.extend({ flagId: id });
