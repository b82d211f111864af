/** Which rule set applies (Art. 15; RULES.md §4): the default registry and the (field, year) mapping. */
import { evaluate } from './evaluate';
import { FIELDS } from './fields';
import { jx2023Trial } from './jx-2023-trial.rule-set';
import { DEFAULT_MAPPING, defaultRegistry, RuleSetRegistry, type RuleSetMappingEntry } from './registry';
import { RuleSetError, UnknownRuleSetError } from './rule-set-error';
import type { MeasureRule } from './rule-set.schema';
import { activity as act, healthTestRegistry, jx2023TrialHealthTest, personYear } from './testing';

const refusal = (load: () => unknown): string => {
  try {
    load();
  } catch (e) {
    if (e instanceof RuleSetError) return e.message;
    throw e;
  }
  throw new Error('loaded');
};

describe('the default registry: jx-2023-trial for every field and every year from 2023', () => {
  const registry = defaultRegistry();

  it('holds only jx-2023-trial', () => {
    expect(registry.ids()).toEqual(['jx-2023-trial']);
    expect(registry.has('jx-2023-trial')).toBe(true);
  });

  it.each(FIELDS.flatMap((f) => [2023, 2024, 2100].map((y) => [f, y] as const)))('maps %s %i to jx-2023-trial', (field, year) => {
    expect(registry.idFor(field, year)).toBe('jx-2023-trial');
    expect(registry.ruleSetFor(field, year).id).toBe('jx-2023-trial');
  });

  it('has no rule set before 2023 (none is loaded)', () => {
    expect(() => registry.idFor('general', 2022)).toThrow(/no rule set for general in 2022/);
  });

  it('answers an unknown id clearly: has false, find undefined, resolve throws', () => {
    expect(registry.has('nope')).toBe(false);
    expect(registry.find('nope')).toBeUndefined();
    expect(() => registry.resolve('nope')).toThrow(UnknownRuleSetError);
  });

  it('resolves the Art. 6 requirement and the Art. 7 constants, deeply frozen', () => {
    const jx = registry.resolve('jx-2023-trial');
    expect(jx).toMatchObject({ id: 'jx-2023-trial', effectiveFrom: '2023-07-01', lineage: ['jx-2023-trial'] });
    expect(jx.requirement).toEqual({ public: 30, professional: 60, total: 90 });
    expect(jx.art7).toEqual({ minutesPerHour: 45, hoursPerDay: 8, partDayBelowMinutes: 360 });
    expect(Object.isFrozen(jx.items['8.6'].measure)).toBe(true);
  });

  it.each<[string, string, number | null]>([
    ['8.1', 'declared', null], ['8.2', 'declared', null], ['8.3', 'professional', 10], ['8.4', 'professional', 30],
    ['8.5', 'professional', 10], ['8.6', 'declared', 30], ['8.7', 'professional', null], ['8.8', 'public', 10],
    ['9.1', 'professional', 30], ['9.2', 'professional', 30], ['9.3', 'professional', 10], ['9.4', 'professional', 30],
    ['9.5', 'professional', 60], ['10', 'defaulted', 20],
  ])('item %s: subject %s, yearly cap %s (RULES.md §2)', (category, subject, cap) => {
    const item = registry.resolve('jx-2023-trial').items[category as '8.1'];
    expect(item.subject.rule === 'fixed' ? item.subject.subject : item.subject.rule).toBe(subject);
    expect(item.cap).toBe(cap);
  });
});

describe('the mapping (field, year) → rule set', () => {
  const docs = [jx2023Trial, jx2023TrialHealthTest];

  it('health maps to its own rule set, every other field to jx-2023-trial', () => {
    const registry = healthTestRegistry();
    expect(registry.idFor('health', 2024)).toBe('jx-2023-trial-health-test');
    expect(registry.idFor('accounting', 2024)).toBe('jx-2023-trial');
  });

  it('a later fromYear wins; toYear ends an entry; the field\'s own entry beats *', () => {
    const registry = new RuleSetRegistry(docs, [
      ...DEFAULT_MAPPING,
      { field: '*', fromYear: 2030, ruleSet: 'jx-2023-trial-health-test' },
      { field: 'health', fromYear: 2025, toYear: 2026, ruleSet: 'jx-2023-trial' },
    ]);
    expect(registry.idFor('general', 2029)).toBe('jx-2023-trial');
    expect(registry.idFor('general', 2030)).toBe('jx-2023-trial-health-test');
    expect(registry.idFor('health', 2026)).toBe('jx-2023-trial');
    expect(registry.idFor('health', 2031)).toBe('jx-2023-trial-health-test');
  });

  it.each<[string, unknown[], RegExp]>([
    ['an unknown rule set', [{ field: '*', fromYear: 2023, ruleSet: 'nope' }], /0\.ruleSet: unknown rule set "nope"/],
    ['an unknown field', [{ field: 'farming', fromYear: 2023, ruleSet: 'jx-2023-trial' }], /0\.field: /],
    ['two entries for one field and year', [...DEFAULT_MAPPING, { field: '*', fromYear: 2023, ruleSet: 'jx-2023-trial' }], /a second entry for \* from 2023/],
    ['toYear before fromYear', [{ field: '*', fromYear: 2025, toYear: 2024, ruleSet: 'jx-2023-trial' }], /0\.toYear: /],
  ])('refuses %s', (_rule, mapping, message) => {
    expect(refusal(() => new RuleSetRegistry(docs, mapping as never))).toMatch(message);
  });

  it('end to end: a health person-year is evaluated against professional ≥ 70', () => {
    const registry = healthTestRegistry();
    const py = personYear([act({ activityId: 'p', category: '8.1', subject: 'public', hours: 30 }), act({ activityId: 'q', category: '8.1', hours: 60 })]);
    const general = evaluate(registry.ruleSetFor('general', 2024), py);
    const health = evaluate(registry.ruleSetFor('health', 2024), py);
    expect(general).toMatchObject({ ruleSet: 'jx-2023-trial', compliant: true });
    expect(health).toMatchObject({
      ruleSet: 'jx-2023-trial-health-test',
      requirement: { public: 30, professional: 70, total: 100 },
      compliant: false,
      shortfall: { public: 0, professional: 10 },
    });
  });

  it('end to end: the health override\'s 9(1) cap of 40 is applied', () => {
    const papers = [1, 2, 3, 4, 5].map((k) => act({ activityId: `p${k}`, category: '9.1', hours: 10 }));
    expect(evaluate(healthTestRegistry().ruleSetFor('health', 2024), personYear(papers)).totals.verified.professional).toBe(40);
    expect(evaluate(defaultRegistry().ruleSetFor('health', 2024), personYear(papers)).totals.verified.professional).toBe(30);
  });
});

describe('Art. 15: a field may change only the professional part, however its rule set is written', () => {
  const standalone = (patch: (doc: Record<string, unknown>) => void) => {
    const doc = JSON.parse(JSON.stringify(jx2023Trial)) as Record<string, unknown>;
    doc.id = 'health-standalone';
    patch(doc);
    return () => new RuleSetRegistry([jx2023Trial, doc], [...DEFAULT_MAPPING, { field: 'health', fromYear: 2023, ruleSet: 'health-standalone' }]);
  };

  it('a standalone document mapped to a field may not lower the public requirement', () => {
    const lowered = standalone((d) => {
      (d.requirement as Record<string, number>).public = 10;
      (d.requirement as Record<string, number>).total = 70;
    });
    expect(refusal(lowered)).toMatch(/requirement\.public: Art\. 15/);
  });

  it('nor change an item that yields 公需科目 hours (8(8))', () => {
    expect(refusal(standalone((d) => (((d.items as Record<string, Record<string, unknown>>)['8.8']!).cap = 30)))).toMatch(/items\.8\.8/);
  });

  it('nor let a professional item count 公需科目 hours, nor leave its subject to the declarer', () => {
    expect(refusal(standalone((d) => (((d.items as Record<string, Record<string, unknown>>)['9.2']!).subject = { rule: 'fixed', subject: 'public' })))).toMatch(/items\.9\.2\.subject: Art\. 15/);
    expect(refusal(standalone((d) => (((d.items as Record<string, Record<string, unknown>>)['9.1']!).subject = { rule: 'declared' })))).toMatch(/items\.9\.1\.subject: Art\. 15/);
  });

  it('the public part is what the general rules of the year make it: an item they open to 公需科目 hours stays as they say', () => {
    const general = JSON.parse(JSON.stringify(jx2023Trial)) as Record<string, Record<string, Record<string, unknown>>>;
    general.id = 'jx-2026' as never;
    general.items!['8.3']!.subject = { rule: 'declared' };
    const field = JSON.parse(JSON.stringify(general)) as typeof general;
    field.id = 'health-2026' as never;
    field.items!['8.3']!.cap = null;
    const mapping: RuleSetMappingEntry[] = [...DEFAULT_MAPPING, { field: '*', fromYear: 2026, ruleSet: 'jx-2026' }, { field: 'health', fromYear: 2026, ruleSet: 'health-2026' }];
    expect(refusal(() => new RuleSetRegistry([jx2023Trial, general, field], mapping))).toMatch(/items\.8\.3: Art\. 15: can count 公需科目 hours and stays as in "jx-2026"/);
  });

  it('mapped from before 2023 (no general rule set then), it is still checked against the years it applies to', () => {
    const doc = JSON.parse(JSON.stringify(jx2023Trial)) as Record<string, unknown>;
    doc.id = 'health-2020';
    doc.requirement = { public: 20, professional: 60, total: 80 };
    expect(refusal(() => new RuleSetRegistry([jx2023Trial, doc], [...DEFAULT_MAPPING, { field: 'health', fromYear: 2020, ruleSet: 'health-2020' }]))).toMatch(/\(mapped for health in 2023\): requirement\.public: Art\. 15/);
  });

  it('but may raise the professional requirement', () => {
    const load = standalone((d) => {
      (d.requirement as Record<string, number>).professional = 70;
      (d.requirement as Record<string, number>).total = 100;
    });
    expect(load()).toBeInstanceOf(RuleSetRegistry);
  });

  it('in every year it applies: new general rules (`*` from a later year) must keep a field\'s earlier rule set in line, or name one for the field from then', () => {
    const general2030 = JSON.parse(JSON.stringify(jx2023Trial)) as Record<string, unknown>;
    general2030.id = 'jx-2030';
    general2030.requirement = { public: 40, professional: 60, total: 100 };
    const health = { ...jx2023TrialHealthTest, id: 'health-2025' };
    const health2030 = { ...jx2023TrialHealthTest, id: 'health-2030', extends: 'jx-2030', requirement: { professional: 70, total: 110 } };
    const mapping = (...extra: RuleSetMappingEntry[]) => [...DEFAULT_MAPPING, { field: 'health' as const, fromYear: 2025, ruleSet: 'health-2025' }, { field: '*' as const, fromYear: 2030, ruleSet: 'jx-2030' }, ...extra];
    expect(refusal(() => new RuleSetRegistry([jx2023Trial, general2030, health], mapping()))).toMatch(/rule set "health-2025" \(mapped for health in 2030\): requirement\.public: Art\. 15/);
    // Ended before the new general rules, or followed by the field's own from then: loaded.
    const ended = new RuleSetRegistry([jx2023Trial, general2030, health], [...DEFAULT_MAPPING, { field: 'health', fromYear: 2025, toYear: 2029, ruleSet: 'health-2025' }, { field: '*', fromYear: 2030, ruleSet: 'jx-2030' }]);
    expect([ended.idFor('health', 2029), ended.idFor('health', 2030)]).toEqual(['health-2025', 'jx-2030']);
    const followed = new RuleSetRegistry([jx2023Trial, general2030, health, health2030], mapping({ field: 'health', fromYear: 2030, ruleSet: 'health-2030' }));
    expect([followed.idFor('health', 2029), followed.idFor('health', 2030)]).toEqual(['health-2025', 'health-2030']);
    expect(followed.resolve('health-2030').requirement).toEqual({ public: 40, professional: 70, total: 110 });
  });

  it('may change what a measure earns, but not what a declaration may say (checked before the field is known: API.md orders 400 before 404)', () => {
    const mapped = (items: Record<string, unknown>) => () =>
      new RuleSetRegistry([jx2023Trial, { ...jx2023TrialHealthTest, id: 'h', items } as never], [...DEFAULT_MAPPING, { field: 'health', fromYear: 2023, ruleSet: 'h' }]);
    const trialBook = jx2023Trial.items['9.2'].measure as Extract<MeasureRule, { kind: 'table' }>;
    expect(mapped({ '9.2': { measure: { ...trialBook, values: { ...trialBook.values, sole: { hours: 25, label: '独著' } } } } })()).toBeInstanceOf(RuleSetRegistry);
    expect(mapped({ '8.4': { measure: { kind: 'duration', forms: ['days', 'minutes', 'hours'], multiplier: 1.5 } } })()).toBeInstanceOf(RuleSetRegistry);
    expect(refusal(mapped({ '9.2': { measure: { ...trialBook, values: { ...trialBook.values, translated: { hours: 5, label: '译著' } } } } }))).toMatch(/items\.9\.2\.measure: Art\. 15: .*kind one of edited \/ sole as in "jx-2023-trial"/);
    expect(refusal(mapped({ '8.5': { measure: { kind: 'duration', forms: ['hours', 'minutes', 'days'], multiplier: 1 } } }))).toMatch(/items\.8\.5\.measure: Art\. 15: .*duration in days \/ minutes as in/);
    expect(refusal(mapped({ '9.1': { measure: { kind: 'courses', hoursPerCourse: 10 } } }))).toMatch(/items\.9\.1\.measure: Art\. 15: .*fixed as in/);
    // A smaller multiplier is taken while the least measure still earns something; not once it earns 0.
    expect(mapped({ '8.4': { measure: { kind: 'duration', forms: ['hours', 'minutes', 'days'], multiplier: 0.5 } } })()).toBeInstanceOf(RuleSetRegistry);
    expect(refusal(mapped({ '8.4': { measure: { kind: 'duration', forms: ['hours', 'minutes', 'days'], multiplier: 0.01 } } }))).toMatch(/items\.8\.4\.measure: Art\. 15: \{"hours":0\.01\} would earn 0 学时/);
    // Nor cite another article (its explanations would read as teaching, Art. 10, or as a public item).
    expect(refusal(mapped({ '8.4': { article: '10' } }))).toMatch(/items\.8\.4\.article: Art\. 15: stays "8\(4\)"/);
    expect(refusal(mapped({ '9.1': { article: '8(1)' } }))).toMatch(/items\.9\.1\.article: Art\. 15/);
    expect(mapped({ '9.1': { name: '核心期刊论文（卫生）' } })()).toBeInstanceOf(RuleSetRegistry);
    // Unmapped, a rule set is a what-if only, and may say anything.
    expect(new RuleSetRegistry([jx2023Trial, { ...jx2023TrialHealthTest, id: 'h', items: { '9.1': { measure: { kind: 'courses', hoursPerCourse: 10 } } } }])).toBeInstanceOf(RuleSetRegistry);
  });

  it('a derived total is summed in hundredths, not floats (30 + 4.02 = 34.02)', () => {
    const registry = new RuleSetRegistry([jx2023Trial, { ...jx2023TrialHealthTest, id: 'x', items: undefined, requirement: { professional: 4.02 } }]);
    expect(registry.resolve('x').requirement.total).toBe(34.02);
  });
});
