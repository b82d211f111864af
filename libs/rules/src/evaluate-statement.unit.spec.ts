/** The statement's shape (API.md): order, JSON hours, fields passed through, explain on/off. */
import { evaluate } from './evaluate';
import { defaultRegistry } from './registry';
import { activity as act, personYear } from './testing';
import type { ActivityInput, Evaluation } from './types';

const jx = defaultRegistry().resolve('jx-2023-trial');
const counted = (e: Evaluation): Record<string, number> => Object.fromEntries(e.activities.map((a) => [a.activityId, a.hours.counted]));

/** A year that is compliant on its verified hours: 30 public + 60 professional. */
const full: ActivityInput[] = [
  act({ activityId: 'pub', category: '8.1', subject: 'public', hours: 30 }),
  act({ activityId: 'pro', category: '8.2', hours: 60 }),
];

describe('the statement', () => {
  it('keeps the input order and values do not depend on it', () => {
    const acts = [
      act({ activityId: 'b', category: '8.3', hours: 6, completedOn: '2024-02-01' }),
      act({ activityId: 'a', category: '8.3', hours: 6, completedOn: '2024-01-01' }),
    ];
    const forward = evaluate(jx, personYear(acts));
    const backward = evaluate(jx, personYear([...acts].reverse()));
    expect(forward.activities.map((a) => a.activityId)).toEqual(['b', 'a']);
    expect(backward.activities.map((a) => a.activityId)).toEqual(['a', 'b']);
    expect(counted(forward)).toEqual(counted(backward));
  });

  it('names the rule set and shows hours as JSON numbers with at most 2 decimals', () => {
    const e = evaluate(jx, personYear([act({ activityId: 'a', category: '10', hours: 4.44, measure: { minutes: 100 } })]));
    expect(e.ruleSet).toBe('jx-2023-trial');
    expect(JSON.stringify(e.activities[0]?.hours)).toBe('{"claimed":4.44,"verified":4.44,"final":null,"counted":4.44}');
  });

  it('passes the other activity fields through', () => {
    const a = act({ activityId: 'a', category: '8.1', subject: 'public', hours: 1, title: '公需课', completedOn: '2024-07-08' });
    expect(evaluate(jx, personYear([a])).activities[0]).toMatchObject({ activityId: 'a', category: '8.1', subject: 'public', title: '公需课', completedOn: '2024-07-08', status: 'verified' });
  });

  it('refuses an activity with an unknown category', () => {
    const bad = { ...act({ activityId: 'a', category: '8.1', hours: 1 }), category: '8.9' } as unknown as ActivityInput;
    expect(() => evaluate(jx, personYear([bad]))).toThrow(/unknown category/);
  });

  it('explain: false gives the same numbers with empty explanations', () => {
    const py = personYear(full);
    const withText = evaluate(jx, py);
    const without = evaluate(jx, py, { explain: false });
    expect(without.activities.every((a) => a.explanation.length === 0)).toBe(true);
    expect({ ...without, activities: without.activities.map((a) => ({ ...a, explanation: [] })) }).toEqual({
      ...withText,
      activities: withText.activities.map((a) => ({ ...a, explanation: [] })),
    });
  });
});
