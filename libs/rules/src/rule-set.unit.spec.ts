/** Rule sets as versioned data (Art. 15; RULES.md §4): validation when loaded, and `extends`. */
import { jx2023Trial } from './jx-2023-trial.rule-set';
import { RuleSetRegistry } from './registry';
import { RuleSetError } from './rule-set-error';
import { healthTestRegistry } from './testing';

/** A deep copy of jx-2023-trial with changes at `/`-separated paths (undefined deletes), for refusal tests. */
function broken(...changes: [path: string, value: unknown][]): unknown {
  const doc = structuredClone(jx2023Trial) as unknown as Record<string, unknown>;
  for (const [path, value] of changes) {
    const keys = path.split('/');
    let node = doc;
    for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
    const last = keys[keys.length - 1]!;
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return doc;
}
const override = (more: Record<string, unknown>): unknown => ({ id: 'x', version: '1', title: 'x', effectiveFrom: '2024-01-01', extends: 'jx-2023-trial', ...more });
const refusal = (load: () => unknown): string => {
  try {
    load();
  } catch (e) {
    if (e instanceof RuleSetError) return e.message;
    throw e;
  }
  throw new Error('loaded');
};

describe('an invalid rule set is refused with the field path', () => {
  it.each<[string, () => unknown, RegExp]>([
    ['a negative cap', () => broken(['items/8.3/cap', -1]), /items\.8\.3\.cap: /],
    ['a cap with 3 decimals', () => broken(['items/8.3/cap', 10.001]), /items\.8\.3\.cap: at most 2 decimals/],
    ['a missing item', () => broken(['items/9.5', undefined]), /items\.9\.5: /],
    ['an unknown item', () => broken(['items/9.6', jx2023Trial.items['9.5']]), /items/],
    ['an unknown measure kind', () => broken(['items/8.1/measure', { kind: 'weeks' }]), /items\.8\.1\.measure\.kind: /],
    ['an empty level table', () => broken(['items/8.7/measure/values', {}]), /items\.8\.7\.measure\.values: at least one value/],
    ['a total that is not public + professional', () => broken(['requirement/total', 100]), /requirement\.total: total must equal public \+ professional/],
    ['an Art. 7 part day that is not a day', () => broken(['art7/partDayBelowMinutes', 300]), /art7\.partDayBelowMinutes: /],
    ['an unknown field', () => broken(['colour', 'red']), /colour: unknown field/],
    ['a bad date', () => broken(['effectiveFrom', '2023-02-30']), /effectiveFrom: not a calendar date/],
    ['a bad subject rule', () => broken(['items/8.3/subject', { rule: 'fixed', subject: 'both' }]), /items\.8\.3\.subject\.subject: /],
  ])('%s', (_rule, doc, message) => {
    expect(refusal(() => new RuleSetRegistry([doc()]))).toMatch(message);
  });

  it('names the rule set and lists every issue', () => {
    const message = refusal(() => new RuleSetRegistry([broken(['items/8.3/cap', 0], ['version', ''])]));
    expect(message).toMatch(/^rule set "jx-2023-trial": /);
    expect(message).toMatch(/version: /);
    expect(message).toMatch(/items\.8\.3\.cap: /);
  });
});

describe('Art. 15: a rule set may extend another and change only the professional part', () => {
  const health = healthTestRegistry();

  it('flattens the extension: professional 70, total 100, 9(1) capped at 40, the rest inherited', () => {
    const rs = health.resolve('jx-2023-trial-health-test');
    expect(rs.lineage).toEqual(['jx-2023-trial-health-test', 'jx-2023-trial']);
    expect(rs.requirement).toEqual({ public: 30, professional: 70, total: 100 });
    expect(rs.items['9.1']).toEqual({ ...jx2023Trial.items['9.1'], cap: 40 });
    expect(rs.items['8.8']).toEqual(jx2023Trial.items['8.8']);
    expect(rs.art7).toEqual(jx2023Trial.art7);
  });

  it('derives the total when the override gives only the professional requirement', () => {
    const rs = new RuleSetRegistry([jx2023Trial, override({ requirement: { professional: 80 } })]).resolve('x');
    expect(rs.requirement).toEqual({ public: 30, professional: 80, total: 110 });
  });

  it('chains: a rule set may extend an extension (documents in any order)', () => {
    const rs = new RuleSetRegistry([override({ id: 'y', extends: 'x', items: { '9.3': { cap: 12 } } }), jx2023Trial, override({ requirement: { professional: 80 } })]).resolve('y');
    expect(rs.lineage).toEqual(['y', 'x', 'jx-2023-trial']);
    expect(rs.requirement.professional).toBe(80);
    expect(rs.items['9.3'].cap).toBe(12);
  });

  it.each<[string, unknown, RegExp]>([
    ['changing the public requirement (Art. 6\'s 30)', override({ requirement: { public: 20 } }), /requirement\.public: Art\. 15/],
    ['changing item 8(8)', override({ items: { '8.8': { cap: 20 } } }), /items\.8\.8: Art\. 15/],
    ['changing an item that can count public hours (8(1))', override({ items: { '8.1': { cap: 50 } } }), /items\.8\.1: Art\. 15/],
    ['changing 8(6) (its courses may be public)', override({ items: { '8.6': { cap: 40 } } }), /items\.8\.6: Art\. 15/],
    ['changing item 10 (public when teaching a public course)', override({ items: { '10': { cap: 40 } } }), /items\.10: Art\. 15/],
    ['making a professional item count public hours', override({ items: { '9.1': { subject: { rule: 'declared' } } } }), /items\.9\.1\.subject: Art\. 15/],
    ['changing Art. 7', override({ art7: { minutesPerHour: 60, hoursPerDay: 6, partDayBelowMinutes: 360 } }), /art7: Art\. 15/],
    ['a total that does not add up', override({ requirement: { professional: 70, total: 90 } }), /requirement\.total: /],
    ['an invalid item change', override({ items: { '9.1': { cap: -5 } } }), /items\.9\.1\.cap: /],
  ])('refuses %s', (_rule, doc, message) => {
    expect(refusal(() => new RuleSetRegistry([jx2023Trial, doc]))).toMatch(message);
  });

  it('refuses an unknown parent, a cycle and a duplicate id', () => {
    expect(refusal(() => new RuleSetRegistry([override({ extends: 'nope' })]))).toMatch(/rule set "x": extends: unknown rule set "nope"/);
    expect(refusal(() => new RuleSetRegistry([override({ id: 'p', extends: 'q' }), override({ id: 'q', extends: 'p' })]))).toMatch(/cycle/);
    expect(refusal(() => new RuleSetRegistry([jx2023Trial, jx2023Trial]))).toMatch(/id: loaded twice/);
  });
});
