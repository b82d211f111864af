/**
 * TEST FIXTURE, not a rule in force: a field's own rules under Art. 15, to prove that `extends`,
 * overrides and the (field, year) mapping work end to end. Health: 专业科目 ≥ 70 (so 100 in all),
 * and core-journal papers (9(1)) capped at 40 instead of 30. The public part stays.
 */
import { DEFAULT_MAPPING, RuleSetRegistry, type RuleSetMappingEntry } from '../registry';
import { JX_2023_TRIAL_ID, jx2023Trial } from '../jx-2023-trial.rule-set';
import type { RuleSetOverrideDocument } from '../rule-set.schema';

export const JX_2023_TRIAL_HEALTH_TEST_ID = 'jx-2023-trial-health-test';

export const jx2023TrialHealthTest: RuleSetOverrideDocument = {
  id: JX_2023_TRIAL_HEALTH_TEST_ID,
  version: '1',
  title: '卫生专业继续教育学时认定（测试用）',
  effectiveFrom: '2023-07-01',
  extends: JX_2023_TRIAL_ID,
  requirement: { professional: 70, total: 100 },
  items: { '9.1': { cap: 40 } },
};

export const HEALTH_TEST_MAPPING: readonly RuleSetMappingEntry[] = [
  ...DEFAULT_MAPPING,
  { field: 'health', fromYear: 2023, ruleSet: JX_2023_TRIAL_HEALTH_TEST_ID },
];

/** jx-2023-trial for every field, the health fixture for `health`. */
export function healthTestRegistry(): RuleSetRegistry {
  return new RuleSetRegistry([jx2023Trial, jx2023TrialHealthTest], HEALTH_TEST_MAPPING);
}
