/** `npm run rule-sets:check` tells an operator which rule set each field gets from which year. */
import { DEFAULT_MAPPING, defaultRegistry, jx2023Trial, RuleSetRegistry } from '@jx/rules';
import { jx2023TrialHealthTest, JX_2023_TRIAL_HEALTH_TEST_ID } from '../../../../libs/rules/src/testing';
import { describeRuleSets } from './describe-rule-sets';

it('the shipped rule sets: jx-2023-trial for every field from 2023', () => {
  const lines = describeRuleSets(defaultRegistry());
  expect(lines[0]).toBe('rule set jx-2023-trial (version 1, from 2023-07-01): 江西省专业技术人员继续教育学时认定办法（试行）; requirement 30 public + 60 professional = 90');
  expect(lines.slice(1)).toEqual(['general', 'health', 'k12_education', 'accounting', 'journalism', 'publishing'].map((f) => `${f}: from 2023 jx-2023-trial`));
});

it('a field\'s own rule set for some years: each span from its first year, merged while the rule set stays', () => {
  const rules = new RuleSetRegistry(
    [jx2023Trial, jx2023TrialHealthTest],
    [...DEFAULT_MAPPING, { field: 'health', fromYear: 2020, toYear: 2026, ruleSet: JX_2023_TRIAL_HEALTH_TEST_ID }, { field: 'accounting', fromYear: 2027, ruleSet: 'jx-2023-trial' }],
  );
  const lines = describeRuleSets(rules);
  expect(lines[1]).toBe(`rule set ${JX_2023_TRIAL_HEALTH_TEST_ID} (version 1, from 2023-07-01, extends jx-2023-trial): ${jx2023TrialHealthTest.title}; requirement 30 public + 70 professional = 100`);
  expect(lines).toContain(`health: from 2023 ${JX_2023_TRIAL_HEALTH_TEST_ID}; from 2027 jx-2023-trial`);
  expect(lines).toContain('accounting: from 2023 jx-2023-trial');
});
