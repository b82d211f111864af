/**
 * Which rule set applies to a person-year (Art. 15; RULES.md §4): rule sets are loaded from
 * documents, `extends` flattened, and a mapping picks one per (field, year).
 */
import { z } from 'zod';
import { FIELDS, type Field } from './fields';
import { JX_2023_TRIAL_ID, jx2023Trial } from './jx-2023-trial.rule-set';
import { RuleSetError, UnknownRuleSetError, zodIssues } from './rule-set-error';
import { baseRuleSet, extendRuleSet, isOverride, parseRuleSetDocument, type RuleSet } from './rule-set';
import type { RuleSetDocument } from './rule-set.schema';
import { checkFieldRules } from './art15';

/** `field: '*'` applies to every field without an entry of its own; `toYear` is inclusive. */
export interface RuleSetMappingEntry {
  field: Field | '*';
  fromYear: number;
  toYear?: number;
  ruleSet: string;
}

const MappingSchema = z.array(
  z
    .strictObject({
      field: z.enum([...FIELDS, '*']),
      fromYear: z.number().int().min(2000).max(9999),
      toYear: z.number().int().min(2000).max(9999).optional(),
      ruleSet: z.string().min(1),
    })
    .refine((e) => e.toYear === undefined || e.toYear >= e.fromYear, { message: 'toYear before fromYear', path: ['toYear'] }),
);

/** RULES.md §4 **Decision**: `jx-2023-trial` applies to every field and every year from 2023 on. */
export const DEFAULT_MAPPING: readonly RuleSetMappingEntry[] = Object.freeze([
  Object.freeze({ field: '*', fromYear: 2023, ruleSet: JX_2023_TRIAL_ID }),
]);

export class RuleSetRegistry {
  private readonly sets = new Map<string, RuleSet>();
  private readonly mapping: readonly RuleSetMappingEntry[];

  /** Throws RuleSetError for an invalid document, a duplicate id, a broken `extends` or mapping. */
  constructor(documents: readonly unknown[], mapping: readonly RuleSetMappingEntry[] = DEFAULT_MAPPING) {
    const docs = new Map<string, RuleSetDocument>();
    for (const input of documents) {
      const doc = parseRuleSetDocument(input);
      if (docs.has(doc.id)) throw new RuleSetError(`rule set "${doc.id}"`, [{ path: 'id', message: 'loaded twice' }]);
      docs.set(doc.id, doc);
    }
    for (const id of docs.keys()) this.load(id, docs, []);
    this.mapping = this.checkMapping(mapping);
  }

  has(id: string): boolean {
    return this.sets.has(id);
  }

  /** The resolved rule set, or undefined for an unknown id. */
  find(id: string): RuleSet | undefined {
    return this.sets.get(id);
  }

  /** The resolved rule set; throws UnknownRuleSetError for an unknown id. */
  resolve(id: string): RuleSet {
    const set = this.sets.get(id);
    if (set === undefined) throw new UnknownRuleSetError(id);
    return set;
  }

  ids(): string[] {
    return [...this.sets.keys()];
  }

  /** The (field, year) mapping in force, as configured (the built-in entry first). */
  entries(): readonly RuleSetMappingEntry[] {
    return this.mapping;
  }

  /**
   * The id configured for (field, year): an entry naming the field beats `*`; among those covering
   * the year, the latest `fromYear` wins. Throws RuleSetError when none covers it (e.g. 2022).
   */
  idFor(field: Field, year: number): string {
    let best: RuleSetMappingEntry | undefined;
    for (const e of this.mapping) {
      if ((e.field !== field && e.field !== '*') || year < e.fromYear || (e.toYear !== undefined && year > e.toYear)) continue;
      const better =
        best === undefined ||
        (e.field !== '*' && best.field === '*') ||
        ((e.field === '*') === (best.field === '*') && e.fromYear > best.fromYear);
      if (better) best = e;
    }
    if (best === undefined) throw new RuleSetError('rule set mapping', [{ path: '', message: `no rule set for ${field} in ${year}` }]);
    return best.ruleSet;
  }

  /** The resolved rule set configured for (field, year). */
  ruleSetFor(field: Field, year: number): RuleSet {
    return this.resolve(this.idFor(field, year));
  }

  /**
   * The rule set of the `*` entry covering a year: what every field without its own rules gets.
   * A declaration's measure is checked against it before the year (and so its field) is read; a
   * field's own rule set says the same of every declaration (checkFieldRules).
   */
  ruleSetForAnyField(year: number): RuleSet {
    const entry = RuleSetRegistry.entryFor(this.mapping, '*', year);
    if (entry === undefined) throw new RuleSetError('rule set mapping', [{ path: '', message: `no rule set for every field in ${year}` }]);
    return this.resolve(entry.ruleSet);
  }

  private load(id: string, docs: ReadonlyMap<string, RuleSetDocument>, chain: string[]): RuleSet {
    const done = this.sets.get(id);
    if (done !== undefined) return done;
    const doc = docs.get(id);
    const child = chain[chain.length - 1];
    if (doc === undefined) throw new RuleSetError(`rule set "${child}"`, [{ path: 'extends', message: `unknown rule set "${id}"` }]);
    if (chain.includes(id)) throw new RuleSetError(`rule set "${id}"`, [{ path: 'extends', message: `cycle ${[...chain, id].join(' → ')}` }]);
    const set = isOverride(doc) ? extendRuleSet(this.load(doc.extends, docs, [...chain, id]), doc) : baseRuleSet(doc);
    this.sets.set(id, set);
    return set;
  }

  /** The latest-starting entry for exactly `field` (or `*`) covering a year: what applies to it then. */
  private static entryFor(mapping: readonly RuleSetMappingEntry[], field: Field | '*', year: number): RuleSetMappingEntry | undefined {
    let best: RuleSetMappingEntry | undefined;
    for (const e of mapping) {
      if (e.field !== field || year < e.fromYear || (e.toYear !== undefined && year > e.toYear)) continue;
      if (best === undefined || e.fromYear > best.fromYear) best = e;
    }
    return best;
  }

  private checkMapping(mapping: readonly RuleSetMappingEntry[]): readonly RuleSetMappingEntry[] {
    const parsed = MappingSchema.safeParse(mapping);
    if (!parsed.success) throw new RuleSetError('rule set mapping', zodIssues(parsed.error));
    const seen = new Set<string>();
    parsed.data.forEach((e, i) => {
      if (!this.sets.has(e.ruleSet)) throw new RuleSetError('rule set mapping', [{ path: `${i}.ruleSet`, message: `unknown rule set "${e.ruleSet}"` }]);
      const key = `${e.field}@${e.fromYear}`;
      if (seen.has(key)) throw new RuleSetError('rule set mapping', [{ path: `${i}`, message: `a second entry for ${e.field} from ${e.fromYear}` }]);
      seen.add(key);
    });
    // Art. 15: a field's own rule set may differ only in the professional part. Checked against the
    // rule set every field gets otherwise, whether the field's document extends it or stands alone,
    // in every year where either may change: a later `*` entry (new general rules) must not leave a
    // field's earlier rule set with the old public part.
    for (const field of FIELDS) {
      for (const year of boundaryYears(parsed.data)) {
        const own = RuleSetRegistry.entryFor(parsed.data, field, year);
        const general = RuleSetRegistry.entryFor(parsed.data, '*', year);
        if (own !== undefined && general !== undefined) checkFieldRules(this.resolve(own.ruleSet), this.resolve(general.ruleSet), `${field} in ${year}`);
      }
    }
    return Object.freeze(parsed.data.map((e) => Object.freeze(e)));
  }
}

/** The years in which what applies to a field may change: each entry's first, and the year after its last. */
export function boundaryYears(mapping: readonly RuleSetMappingEntry[]): number[] {
  const years = new Set(mapping.flatMap((e) => (e.toYear === undefined ? [e.fromYear] : [e.fromYear, e.toYear + 1])));
  return [...years].sort((a, b) => a - b);
}

let defaultInstance: RuleSetRegistry | undefined;

/** The registry of the product as shipped: only `jx-2023-trial`, for every field from 2023. */
export function defaultRegistry(): RuleSetRegistry {
  defaultInstance ??= new RuleSetRegistry([jx2023Trial]);
  return defaultInstance;
}
