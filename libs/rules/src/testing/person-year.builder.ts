/** Builders for evaluator tests: an activity and a person-year with sensible defaults. */
import { fromHours } from '../hundredths';
import type { ActivityInput, Category, PersonYearInput, Subject } from '../types';


export interface ActivitySpec extends Partial<Omit<ActivityInput, 'claimed' | 'verified' | 'final'>> {
  activityId: string;
  category: Category;
  /** Claimed hours in 学时 (decimal). */
  hours: number;
  /** Verified hours in 学时; default: the claimed hours when status is verified. */
  verifiedHours?: number | null;
  finalHours?: number | null;
}

/** A verified activity (unless `status` says otherwise), completed 2024-03-01, no content key, professional (8(8): public). */
export function activity(spec: ActivitySpec): ActivityInput {
  const { hours, verifiedHours, finalHours, ...rest } = spec;
  const status = spec.status ?? 'verified';
  // 8(8) is always 公需; elsewhere 专业 unless the spec says.
  const subject: Subject = spec.subject ?? (spec.category === '8.8' ? 'public' : 'professional');
  const claimed = fromHours(hours);
  const verified = verifiedHours !== undefined ? (verifiedHours === null ? null : fromHours(verifiedHours)) : status === 'verified' ? claimed : null;
  return {
    title: `activity ${spec.activityId}`,
    completedOn: '2024-03-01',
    measure: {},
    contentKey: null,
    ...rest,
    subject,
    status,
    claimed,
    verified,
    final: finalHours === undefined || finalHours === null ? null : fromHours(finalHours),
    finalRejected: spec.finalRejected ?? false,
  };
}

export function personYear(activities: readonly ActivityInput[], more: Partial<Omit<PersonYearInput, 'activities'>> = {}): PersonYearInput {
  return {
    year: 2024,
    status: 'open',
    finalized: false,
    makeUp: { until: '2025-12-31', reason: null, promotionDelay: false },
    ...more,
    activities,
  };
}

/** A finalised person-year whose final hours equal the verified ones unless an activity says. */
export function finalizedYear(activities: readonly ActivityInput[], more: Partial<Omit<PersonYearInput, 'activities'>> = {}): PersonYearInput {
  const withFinal = activities.map((a) => (a.final === null && a.status === 'verified' ? { ...a, final: a.verified } : a));
  return personYear(withFinal, { status: 'finalized', finalized: true, ...more });
}
