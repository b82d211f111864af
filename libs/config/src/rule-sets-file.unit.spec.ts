/** RULE_SETS_FILE (Art. 15): a field's own rule sets, loaded at start-up; anything wrong stops it, named. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRegistry } from '@jx/rules';
import { ConfigError, loadConfig } from './load-config';
import { loadRuleSets } from './rule-sets-file';
import { ruleSetsInForce } from './stack-of';

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'rule-sets.example.json');
const health = {
  id: 'jx-2025-health',
  version: '1',
  title: '卫生',
  effectiveFrom: '2025-01-01',
  extends: 'jx-2023-trial',
  requirement: { professional: 70, total: 100 },
  items: { '9.1': { cap: 40 } },
};
const toHealth = { field: 'health', fromYear: 2025, ruleSet: 'jx-2025-health' };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jx-rule-sets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (content: unknown): string => {
  const path = join(dir, 'rule-sets.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const problemsOf = (path: string): string[] => {
  const loaded = loadRuleSets(path);
  return 'problems' in loaded ? loaded.problems : [];
};

describe('RULE_SETS_FILE (Art. 15: rule sets are configured per field and year)', () => {
  it('unset, the product as shipped: jx-2023-trial for every field from 2023', () => {
    expect(loadConfig({}).ruleSets).toBe(defaultRegistry());
    expect(loadConfig({}).ruleSets.ids()).toEqual(['jx-2023-trial']);
  });

  it('the example file loads: its field from its year gets its rule set, every other (field, year) jx-2023-trial', () => {
    const rules = loadConfig({ RULE_SETS_FILE: EXAMPLE }).ruleSets;
    expect(rules.ids().sort()).toEqual(['jx-2023-trial', 'jx-2025-health-example']);
    expect(rules.idFor('health', 2025)).toBe('jx-2025-health-example');
    expect(rules.idFor('health', 2031)).toBe('jx-2025-health-example');
    expect(rules.idFor('health', 2024)).toBe('jx-2023-trial');
    expect(rules.idFor('accounting', 2025)).toBe('jx-2023-trial');
    const set = rules.ruleSetFor('health', 2025);
    expect(set.requirement).toEqual({ public: 30, professional: 70, total: 100 });
    expect(set.items['9.1'].cap).toBe(40);
    expect(set.items['8.8']).toEqual(rules.resolve('jx-2023-trial').items['8.8']);
  });

  it('README shows the example file as it is', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /### Rule sets \(Art\. 15\)[\s\S]*?```json\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    expect(JSON.parse(block![1]!)).toEqual(JSON.parse(readFileSync(EXAMPLE, 'utf8')));
  });

  it('a later fromYear for every field (*) replaces jx-2023-trial from that year; a field of its own still beats it', () => {
    const later = { ...health, id: 'jx-2030', extends: 'jx-2023-trial', requirement: { professional: 65, total: 95 }, items: {} };
    const rules = loadConfig({ RULE_SETS_FILE: file({ ruleSets: [health, later], mapping: [toHealth, { field: '*', fromYear: 2030, ruleSet: 'jx-2030' }] }) }).ruleSets;
    expect([rules.idFor('general', 2029), rules.idFor('general', 2030), rules.idFor('health', 2030)]).toEqual(['jx-2023-trial', 'jx-2030', 'jx-2025-health']);
  });

  it.each<[string, unknown, string]>([
    ['not JSON', '{"ruleSets": [', 'RULE_SETS_FILE is not JSON'],
    ['an array', [], 'RULE_SETS_FILE Invalid input: expected object'],
    ['an unknown top-level field', { ruleSets: [], mappings: [] }, 'RULE_SETS_FILE unknown field mappings'],
    ['a document that is no object', { ruleSets: [3] }, 'RULE_SETS_FILE ruleSets.0: Invalid input: expected object'],
    ['an unknown field in an item', { ruleSets: [{ ...health, items: { '9.1': { capp: 40 } } }] }, 'RULE_SETS_FILE ruleSets.0 (rule set "jx-2025-health"): items.9.1.capp: unknown field'],
    ['a cap with three decimals', { ruleSets: [{ ...health, items: { '9.1': { cap: 40.125 } } }] }, 'RULE_SETS_FILE ruleSets.0 (rule set "jx-2025-health"): items.9.1.cap: at most 2 decimals'],
    ['a document without an id', { ruleSets: [{ ...health, id: undefined }] }, 'RULE_SETS_FILE ruleSets.0: id: '],
    ['jx-2023-trial redefined', { ruleSets: [{ ...health, id: 'jx-2023-trial' }] }, 'RULE_SETS_FILE ruleSets.0.id: "jx-2023-trial" is built in and cannot be redefined'],
    ['one id twice', { ruleSets: [health, health] }, 'RULE_SETS_FILE rule set "jx-2025-health": id: loaded twice'],
    ['extends an id not loaded', { ruleSets: [{ ...health, extends: 'jx-2019' }] }, 'RULE_SETS_FILE rule set "jx-2025-health": extends: unknown rule set "jx-2019"'],
    ['the public requirement changed (Art. 15)', { ruleSets: [{ ...health, requirement: { public: 20, total: 90 } }], mapping: [toHealth] }, 'RULE_SETS_FILE rule set "jx-2025-health": requirement.public: Art. 15'],
    ['an item that counts public hours changed (Art. 15)', { ruleSets: [{ ...health, items: { '8.8': { cap: 20 } } }], mapping: [toHealth] }, 'RULE_SETS_FILE rule set "jx-2025-health": items.8.8: Art. 15'],
    ['a mapping to an id not loaded', { mapping: [toHealth] }, 'RULE_SETS_FILE mapping.0.ruleSet: unknown rule set "jx-2025-health"'],
    ['a mapping of an unknown field', { ruleSets: [health], mapping: [{ ...toHealth, field: 'mining' }] }, 'RULE_SETS_FILE mapping.0.field: Invalid option'],
    ['a mapping entry that is no object', { mapping: [3] }, 'RULE_SETS_FILE mapping.0: Invalid input: expected object'],
    ['toYear before fromYear', { ruleSets: [health], mapping: [{ ...toHealth, toYear: 2024 }] }, 'RULE_SETS_FILE mapping.0.toYear: toYear before fromYear'],
    ['every field from 2023 mapped again', { mapping: [{ field: '*', fromYear: 2023, ruleSet: 'jx-2023-trial' }] }, 'RULE_SETS_FILE mapping.0: every field from 2023 is mapped to "jx-2023-trial" already'],
    ['one (field, year) mapped twice', { ruleSets: [health], mapping: [toHealth, toHealth] }, 'RULE_SETS_FILE mapping.1: a second entry for health from 2025'],
  ])('%s stops start-up, named', (_what, content, problem) => {
    const problems = problemsOf(file(content));
    expect(problems).toEqual([expect.stringContaining(problem)]);
  });

  it('every document at fault is named at once, by its place', () => {
    const bad = (id: string) => ({ ...health, id, items: { '9.1': { cap: 40.125 } } });
    expect(problemsOf(file({ ruleSets: [bad('a'), health, bad('b')] }))).toEqual([
      'RULE_SETS_FILE ruleSets.0 (rule set "a"): items.9.1.cap: at most 2 decimals',
      'RULE_SETS_FILE ruleSets.2 (rule set "b"): items.9.1.cap: at most 2 decimals',
    ]);
  });

  it('a byte-order mark at the start (as some editors save UTF-8) is no fault', () => {
    const loaded = loadRuleSets(file(`\uFEFF${JSON.stringify({ ruleSets: [health], mapping: [toHealth] })}`));
    expect('registry' in loaded && loaded.registry.idFor('health', 2025)).toBe('jx-2025-health');
  });

  it('a file that cannot be read stops start-up, named, along with every other wrong variable', () => {
    let error: unknown;
    try {
      loadConfig({ RULE_SETS_FILE: join(dir, 'missing.json'), PORT: 'eighty' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^PORT /), `RULE_SETS_FILE ${join(dir, 'missing.json')} cannot be read (ENOENT)`]);
  });

  it('the start-up log names each rule set in force with a fingerprint of its content: the same whatever the key order, another when its rules change under the same id', () => {
    const inForce = (content: unknown) => ruleSetsInForce(loadConfig({ RULE_SETS_FILE: file(content) }).ruleSets);
    const base = inForce({ ruleSets: [health], mapping: [toHealth] });
    expect(base.ruleSets).toMatch(/^jx-2023-trial@1#[0-9a-f]{12}, jx-2025-health@1#[0-9a-f]{12}$/);
    const reordered = Object.fromEntries(Object.entries(health).reverse());
    expect(inForce({ mapping: [toHealth], ruleSets: [reordered] })).toEqual(base);
    const changed = inForce({ ruleSets: [{ ...health, items: { '9.1': { cap: 45 } } }], mapping: [toHealth] });
    expect(changed.ruleSets.split(', ')[0]).toBe(base.ruleSets.split(', ')[0]);
    expect(changed.ruleSets.split(', ')[1]).not.toBe(base.ruleSets.split(', ')[1]);
    expect(changed.ruleSetMapping).toBe(base.ruleSetMapping);
    expect(inForce({ ruleSets: [health], mapping: [{ ...toHealth, fromYear: 2026 }] }).ruleSetMapping).not.toBe(base.ruleSetMapping);
  });
});
