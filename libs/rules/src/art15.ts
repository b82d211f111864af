/**
 * Art. 15: fields (health, education, accounting, …) may have their own rules for the 专业科目
 * (professional) part; the public part stays. What a field's rule set may change, checked against
 * the rule set every other field gets in the same year.
 */
import { RuleSetError, type RuleSetIssue } from './rule-set-error';
import type { RuleSet } from './rule-set';
import type { MeasureRule } from './rule-set.schema';
import { validateMeasure } from './measure';
import { stableJson } from './stable-json';
import { CATEGORIES, type Category, type Measure } from './types';

/**
 * Throws RuleSetError naming every field of `field` that Art. 15 keeps as `general` has it: the
 * public part, and what a declaration of a professional item may say and how it is cited.
 */
export function checkFieldRules(field: RuleSet, general: RuleSet, where: string): void {
  const issues: RuleSetIssue[] = [];
  if (field.requirement.public !== general.requirement.public) issues.push({ path: 'requirement.public', message: `Art. 15: stays ${general.requirement.public} as in "${general.id}"` });
  if (stableJson(field.art7) !== stableJson(general.art7)) issues.push({ path: 'art7', message: `Art. 15: stays as in "${general.id}"` });
  const pub = publicPart(general);
  for (const c of CATEGORIES) {
    if (pub.has(c)) {
      if (stableJson(field.items[c]) !== stableJson(general.items[c])) issues.push({ path: `items.${c}`, message: `Art. 15: can count 公需科目 hours and stays as in "${general.id}"` });
      continue;
    }
    // Nor may a professional item count 公需科目 hours (a stand-alone document could say so), nor
    // cite another article: explanations cite it, and one of a public item would read as public.
    for (const key of ['subject', 'article'] as const) {
      const theirs = stableJson(general.items[c][key]);
      if (stableJson(field.items[c][key]) !== theirs) issues.push({ path: `items.${c}.${key}`, message: `Art. 15: stays ${theirs} as in "${general.id}"` });
    }
    issues.push(...measureIssues(c, field, general));
  }
  if (issues.length > 0) throw new RuleSetError(`rule set "${field.id}" (mapped for ${where})`, issues);
}

/** Items that can yield 公需科目 hours in a rule set: all but those it fixes as professional. */
function publicPart(set: RuleSet): Set<Category> {
  return new Set(CATEGORIES.filter((c) => !(set.items[c].subject.rule === 'fixed' && set.items[c].subject.subject === 'professional')));
}

/**
 * A declaration is checked (400) before its person-year, and so its field, is read (API.md's order
 * puts 400 before 404), against the general rule set; the field's must take every declaration that
 * one takes. So a field may change what a measure earns, not what a declaration may say (its form),
 * nor make the least measure earn 0 学时 — hours grow with the measure, so the least one suffices.
 */
function measureIssues(c: Category, field: RuleSet, general: RuleSet): RuleSetIssue[] {
  const own = measureShape(field.items[c].measure);
  const theirs = measureShape(general.items[c].measure);
  if (own !== theirs) return [{ path: `items.${c}.measure`, message: `Art. 15: a field may change what a measure earns, not its form: ${theirs} as in "${general.id}"` }];
  for (const measure of leastMeasures(general.items[c].measure)) {
    const request = { category: c, measure };
    if (validateMeasure(general, request).ok && !validateMeasure(field, request).ok) {
      return [{ path: `items.${c}.measure`, message: `Art. 15: ${JSON.stringify(measure)} would earn 0 学时, which "${general.id}" takes: a declaration valid for every field would be refused for this one` }];
    }
  }
  return [];
}

/** What a declaration of the item must say (its kind, forms, or the values to choose from), not what it earns. */
function measureShape(m: MeasureRule): string {
  switch (m.kind) {
    case 'duration':
      return `duration in ${[...m.forms].sort().join(' / ')}`;
    case 'table':
      return `${m.field} one of ${Object.keys(m.values).sort().join(' / ')}`;
    default:
      return m.kind;
  }
}

/** The least measure of each form a declaration may give (RULES.md §2 bounds). */
function leastMeasures(m: MeasureRule): Measure[] {
  switch (m.kind) {
    case 'duration':
      return [{ hours: 0.01 }, { minutes: 1 }, { days: 1 }];
    case 'courses':
      return [{ courses: 1 }];
    case 'points':
      return [{ points: 0 }];
    case 'table':
      return Object.keys(m.values).map((key) => ({ [m.field]: key }));
    case 'fixed':
      return [{}];
  }
}
