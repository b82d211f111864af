/**
 * Loading rule-set documents: validation with zod, then flattening of `extends` with the limits
 * of Art. 15 (only the 专业科目 part may differ: Art. 6's 30 公需 hours and item 8(8) stay).
 */
import { fromHours, toHours, tryFromHours } from './hundredths';
import { RuleSetError, type RuleSetIssue, zodIssues } from './rule-set-error';
import {
  BaseRuleSetSchema,
  type BaseRuleSetDocument,
  type ItemRule,
  RequirementSchema,
  type RuleSetDocument,
  RuleSetOverrideSchema,
  type RuleSetOverrideDocument,
} from './rule-set.schema';
import { CATEGORIES, type Category } from './types';

/** A loaded rule set, extensions flattened; deeply frozen. `lineage` = [id, parent, grandparent, …]. */
export type RuleSet = Readonly<Omit<BaseRuleSetDocument, 'items' | 'requirement' | 'art7'>> & {
  readonly lineage: readonly string[];
  readonly requirement: Readonly<BaseRuleSetDocument['requirement']>;
  readonly art7: Readonly<BaseRuleSetDocument['art7']>;
  readonly items: Readonly<Record<Category, Readonly<ItemRule>>>;
};

function label(input: unknown): string {
  const id = typeof input === 'object' && input !== null ? (input as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? `rule set "${id}"` : 'rule set';
}

/** Validates one document (a base rule set, or one that `extends` another). Throws RuleSetError. */
export function parseRuleSetDocument(input: unknown): RuleSetDocument {
  const isOverride = typeof input === 'object' && input !== null && 'extends' in input;
  if (isOverride && 'art7' in input) {
    // Art. 7's conversion also yields 公需 hours (8(1), 8(2)), which Art. 15 does not open.
    throw new RuleSetError(label(input), [{ path: 'art7', message: 'Art. 15: Art. 7 stays as in the rule set extended' }]);
  }
  const parsed = (isOverride ? RuleSetOverrideSchema : BaseRuleSetSchema).safeParse(input);
  if (!parsed.success) throw new RuleSetError(label(input), zodIssues(parsed.error));
  return parsed.data;
}

export function isOverride(doc: RuleSetDocument): doc is RuleSetOverrideDocument {
  return 'extends' in doc;
}

export function baseRuleSet(doc: BaseRuleSetDocument): RuleSet {
  return deepFreeze({ ...doc, lineage: [doc.id] });
}

/** Applies an override to its resolved parent, refusing what Art. 15 does not allow. */
export function extendRuleSet(parent: RuleSet, doc: RuleSetOverrideDocument): RuleSet {
  const issues: RuleSetIssue[] = [];
  const req = doc.requirement ?? {};
  if (req.public !== undefined && req.public !== parent.requirement.public) {
    issues.push({ path: 'requirement.public', message: `Art. 15: the 公需科目 requirement stays ${parent.requirement.public}` });
  }
  const pub = parent.requirement.public;
  const pro = req.professional ?? parent.requirement.professional;
  // Derived in hundredths (RULES.md §2: sums never in floats).
  const total = req.total ?? toHours(fromHours(pub) + (tryFromHours(pro) ?? Number.NaN));
  const requirement = RequirementSchema.safeParse({ public: pub, professional: pro, total });
  if (!requirement.success) issues.push(...zodIssues(requirement.error).map((i) => ({ ...i, path: `requirement.${i.path}` })));

  const items = { ...parent.items } as Record<Category, ItemRule>;
  for (const category of CATEGORIES) {
    const change = doc.items?.[category];
    if (change === undefined) continue;
    const base = parent.items[category];
    if (base.subject.rule !== 'fixed' || base.subject.subject !== 'professional') {
      issues.push({
        path: `items.${category}`,
        message: `Art. 15: item ${base.article} can count 公需科目 hours and stays as in "${parent.id}"`,
      });
      continue;
    }
    const merged: ItemRule = { ...base, ...change };
    if (merged.subject.rule !== 'fixed' || merged.subject.subject !== 'professional') {
      issues.push({ path: `items.${category}.subject`, message: 'Art. 15: an item a field redefines stays 专业科目 (professional)' });
    }
    items[category] = merged;
  }
  if (issues.length > 0) throw new RuleSetError(label(doc), issues);
  const { extends: _parent, requirement: _r, items: _i, ...meta } = doc;
  return deepFreeze({
    ...meta,
    lineage: [doc.id, ...parent.lineage],
    requirement: requirement.data!,
    art7: parent.art7,
    items,
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
