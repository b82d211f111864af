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

describe('an authority\'s rejection is its adjustment to 0, not a final of 0 (RULES.md §4)', () => {
  const points = (activityId: string) => declared(activityId, { category: '8.8', subject: 'public', measure: { points: 500 }, hours: 0 });
  const verified = (activityId: string, hours: number) => ({ type: 'ActivityVerifiedByUnit' as const, data: { activityId, hours, reason: null, contentKey: null } });
  const confirmed = { type: 'YearConfirmedByUnit' as const, data: { note: null } };
  const finalized = (adjustments: Array<{ activityId: string; hours: number; reason: string; contentKey: null }>) => ({ type: 'YearFinalizedByAuthority' as const, data: { decision: 'approve' as const, adjustments } });
  const jx = rules.resolve('jx-2023-trial');
  const activity = (events: Parameters<typeof fold>[0], id: string) => buildStatement(fold(events)!, jx).activities.find((a) => a.activityId === id)!;

  it('an activity that earns 0 hours (8(8) under 1,000 points), finalised as verified, stays verified and counts 0', () => {
    const pts = activity([opened(), points('pts'), verified('pts', 0), confirmed, finalized([])], 'pts');
    expect([pts.status, pts.hours]).toEqual(['verified', { claimed: 0, verified: 0, final: 0, counted: 0 }]);
    const codes = pts.explanation.map((s) => s.code);
    expect(codes).toContain('AUTHORITY_FINAL');
    expect(codes).not.toContain('AUTHORITY_REJECTED');
    expect(codes).not.toContain('NOT_COUNTED');
  });

  it('an activity adjusted to 0 is rejected in the final tier, and says so', () => {
    const course = activity([opened(), declared('c1'), verified('c1', 10), confirmed, finalized([{ activityId: 'c1', hours: 0, reason: 'forged certificate', contentKey: null }])], 'c1');
    expect([course.status, course.hours]).toEqual(['rejected', { claimed: 10, verified: 10, final: 0, counted: 0 }]);
    expect(course.explanation.map((s) => s.code).slice(-2)).toEqual(['AUTHORITY_REJECTED', 'NOT_COUNTED']);
  });
});
