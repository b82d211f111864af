/** The statement is a fold through the rules; under another rule set the measure is converted anew (Art. 15). */
import { jx2023Trial, RuleSetRegistry } from '@jx/rules';
import { jx2023TrialHealthTest } from '../../../rules/src/testing';
import { declared, fold, opened, registered } from '../testing/decider-spec';
import { buildStatement } from './statement';

const papers = { ...jx2023TrialHealthTest, id: 'papers-15', items: { '9.1': { measure: { kind: 'fixed' as const, hours: 15 } } } };
const rules = new RuleSetRegistry([jx2023Trial, papers]);

describe('a what-if under another rule set (API.md: ruleSet recomputes the year)', () => {
  const state = fold([
    opened(),
    registered('paper', { category: '9.1', subject: 'professional', measure: {}, hours: 10 }),
    declared('course', { hours: 10 }),
  ])!;

  it('converts the recorded measure under that rule set', () => {
    const statement = buildStatement(state, rules.resolve('papers-15'));
    const paper = statement.activities.find((a) => a.activityId === 'paper')!;
    expect(paper.hours).toEqual({ claimed: 15, verified: 10, final: null, counted: 10 });
  });

  it('never lets the unit\'s hours exceed what the measure earns there', () => {
    const statement = buildStatement(state, rules.resolve('jx-2023-trial'));
    expect(statement.activities.find((a) => a.activityId === 'paper')!.hours).toEqual({ claimed: 10, verified: 10, final: null, counted: 10 });
    expect(statement.totals.declared).toEqual({ public: 10, professional: 10, total: 20 });
  });
});
