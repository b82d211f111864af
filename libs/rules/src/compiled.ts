/**
 * A rule set turned into what the engine reads in its hot path: integer hundredths, lookups by
 * category index. Compiled once per (frozen) rule set and cached.
 */
import { fromHours } from './hundredths';
import type { RuleSet } from './rule-set';
import type { Art7, DurationForm, ItemRule, SubjectRule } from './rule-set.schema';
import { CATEGORIES, type Category, type Hundredths, type Measure } from './types';

export type CompiledMeasure =
  | { kind: 'duration'; forms: ReadonlySet<DurationForm>; formList: readonly DurationForm[]; multiplier100: number }
  | { kind: 'courses'; perCourse: Hundredths }
  | { kind: 'points'; pointsPerHour: number }
  | { kind: 'table'; field: 'level' | 'kind'; values: ReadonlyMap<string, { hours: Hundredths; label: string }> }
  | { kind: 'fixed'; hours: Hundredths };

export interface CompiledItem {
  category: Category;
  index: number;
  article: string;
  /** "8" of "8(3)": names the explanation codes (ART8_CAP, ART9_LEVEL, …). */
  articleNumber: string;
  name: string;
  subject: SubjectRule;
  measure: CompiledMeasure;
  /** Yearly cap in hundredths, or -1 for none. */
  cap: Hundredths;
  capHours: number | null;
  /** The measure fields this item takes (RULES.md §2, column "measure"). */
  allowed: ReadonlySet<keyof Measure>;
}

export interface CompiledRuleSet {
  ruleSet: RuleSet;
  art7: Readonly<Art7>;
  requirementPublic: Hundredths;
  requirementProfessional: Hundredths;
  /** Indexed by CATEGORY_INDEX. */
  items: readonly CompiledItem[];
}

const indexOf = new Map<string, number>(CATEGORIES.map((c, i) => [c, i]));
/** A module-local copy: the hot path reads it without going through the import binding. */
const CATEGORY_AT: readonly string[] = [...CATEGORIES];

/**
 * The position of a category in CATEGORIES, or -1 for anything else. Read from the characters
 * ("8.3" → 2, "9.1" → 8, "10" → 13) and checked, so the hot path does no hashing.
 */
export function categoryIndex(category: string): number {
  let guess = -1;
  if (category.length === 3) {
    const head = category.charCodeAt(0);
    const item = category.charCodeAt(2) - 49;
    guess = head === 56 ? item : head === 57 ? 8 + item : -1;
  } else if (category.length === 2) guess = 13;
  return guess >= 0 && CATEGORY_AT[guess] === category ? guess : (indexOf.get(category) ?? -1);
}

const cache = new WeakMap<RuleSet, CompiledRuleSet>();

export function compile(ruleSet: RuleSet): CompiledRuleSet {
  let compiled = cache.get(ruleSet);
  if (compiled === undefined) {
    compiled = {
      ruleSet,
      art7: ruleSet.art7,
      requirementPublic: fromHours(ruleSet.requirement.public),
      requirementProfessional: fromHours(ruleSet.requirement.professional),
      items: CATEGORIES.map((c, i) => compileItem(c, i, ruleSet.items[c])),
    };
    cache.set(ruleSet, compiled);
  }
  return compiled;
}

function compileItem(category: Category, index: number, item: Readonly<ItemRule>): CompiledItem {
  const measure = compileMeasure(item.measure);
  return {
    category,
    index,
    article: item.article,
    articleNumber: item.article.replace(/\(.*$/, ''),
    name: item.name,
    subject: item.subject,
    measure,
    cap: item.cap === null ? -1 : fromHours(item.cap),
    capHours: item.cap,
    allowed: new Set(allowedFields(measure)),
  };
}

function compileMeasure(m: ItemRule['measure']): CompiledMeasure {
  switch (m.kind) {
    case 'duration':
      return { kind: 'duration', forms: new Set(m.forms), formList: m.forms, multiplier100: fromHours(m.multiplier) };
    case 'courses':
      return { kind: 'courses', perCourse: fromHours(m.hoursPerCourse) };
    case 'points':
      return { kind: 'points', pointsPerHour: m.pointsPerHour };
    case 'table': {
      const values = new Map(Object.entries(m.values).map(([k, v]) => [k, { hours: fromHours(v.hours), label: v.label }]));
      return { kind: 'table', field: m.field, values };
    }
    case 'fixed':
      return { kind: 'fixed', hours: fromHours(m.hours) };
  }
}

function allowedFields(m: CompiledMeasure): (keyof Measure)[] {
  switch (m.kind) {
    case 'duration':
      return m.forms.has('days') ? [...m.formList, 'extraMinutes'] : [...m.formList];
    case 'courses':
      return ['courses'];
    case 'points':
      return ['points'];
    case 'table':
      return [m.field];
    case 'fixed':
      return [];
  }
}
