/**
 * The evaluator: a person-year's activities → its statement (RULES.md §3). Pure and synchronous;
 * values never depend on the order activities are given in (every ordering rule is a total order
 * on completedOn and activityId), and activities are returned in the input order.
 */
import { compile } from './compiled';
import { explainActivity } from './explain';
import type { RuleSet } from './rule-set';
import { scratchFor } from './scratch';
import { countTier, DECLARED, FINAL, readActivities, VERIFIED } from './tier';
import type { ActivityNote, ActivityStatement, Evaluation, PersonYearInput, SubjectTotals } from './types';

export interface EvaluateOptions {
  /** Build each activity's `explanation` (default true). False skips all string building. */
  explain?: boolean;
}

function totals(pub: number, pro: number): SubjectTotals {
  return { public: pub / 100, professional: pro / 100, total: (pub + pro) / 100 };
}

export function evaluate(ruleSet: RuleSet, personYear: PersonYearInput, options?: EvaluateOptions): Evaluation {
  const explain = options?.explain ?? true;
  const c = compile(ruleSet);
  const acts = personYear.activities;
  const n = acts.length;
  const s = scratchFor(n);
  const keyed = readActivities(acts, n, s, c.items.length);
  const finalized = personYear.finalized;
  // Art. 14: a voided year counts 0 in every tier.
  const voided = personYear.status === 'voided';
  const reqPub = c.requirementPublic;
  const reqPro = c.requirementProfessional;

  let declared: SubjectTotals;
  let verified: SubjectTotals;
  let final: SubjectTotals | null = null;
  let decidingPub = 0;
  let decidingPro = 0;
  if (voided) {
    declared = totals(0, 0);
    verified = totals(0, 0);
    if (finalized) final = totals(0, 0);
  } else {
    // The deciding tier (final once finalised, else verified) is counted last: its per-activity
    // results stay in the scratch for the statement's `counted`, `notes` and `explanation`.
    countTier(c, acts, n, s, DECLARED, (keyed & 1) !== 0, false);
    declared = totals(s.totals[0]!, s.totals[1]!);
    countTier(c, acts, n, s, VERIFIED, (keyed & 2) !== 0, explain && !finalized);
    verified = totals(s.totals[0]!, s.totals[1]!);
    if (finalized) {
      countTier(c, acts, n, s, FINAL, (keyed & 4) !== 0, explain);
      final = totals(s.totals[0]!, s.totals[1]!);
    }
    decidingPub = s.totals[0]!;
    decidingPro = s.totals[1]!;
  }
  // Art. 6: each subject on its own; surplus in one never makes up for the other.
  const compliant = !voided && decidingPub >= reqPub && decidingPro >= reqPro;

  const activities: ActivityStatement[] = new Array<ActivityStatement>(n);
  for (let i = 0; i < n; i++) {
    const a = acts[i]!;
    const inTier = !voided && s.hours[i]! >= 0;
    const counted = voided ? 0 : s.counted[i]!;
    // Notes mark what a rule took from an activity the deciding tier holds (Art. 11, a cap,
    // Art. 14). One outside that tier (pending, rejected, withdrawn, not in the last
    // finalisation) counts 0 without a note; its explanation says why (NOT_COUNTED).
    const notes: ActivityNote[] = [];
    if (voided) notes.push('VOIDED');
    else if (inTier && s.winner[i]! >= 0) notes.push('ART11_SUPERSEDED');
    else if (inTier && counted < s.hours[i]!) notes.push('CAPPED');
    activities[i] = {
      activityId: a.activityId,
      category: a.category,
      subject: a.subject,
      title: a.title,
      completedOn: a.completedOn,
      // An authority's adjustment to 0 rejects the activity in the final tier only (RULES.md §4).
      status: a.finalRejected ? 'rejected' : a.status,
      hours: {
        claimed: a.claimed / 100,
        verified: a.verified === null ? null : a.verified / 100,
        final: a.final === null ? null : a.final / 100,
        counted: counted / 100,
      },
      notes,
      explanation: explain ? explainActivity(c, personYear, i, s, voided) : [],
    };
  }

  return {
    ruleSet: ruleSet.id,
    requirement: totals(reqPub, reqPro),
    totals: { declared, verified, final },
    compliant,
    shortfall: voided
      ? { public: reqPub / 100, professional: reqPro / 100 }
      : { public: Math.max(0, reqPub - decidingPub) / 100, professional: Math.max(0, reqPro - decidingPro) / 100 },
    // Art. 13: the make-up period is shown while the year is short.
    makeUp: { until: compliant ? null : personYear.makeUp.until, reason: personYear.makeUp.reason, promotionDelay: personYear.makeUp.promotionDelay },
    activities,
  };
}
