/**
 * RULE_SETS_FILE (RULES.md §4, Art. 15): the rule sets a deployment loads beside `jx-2023-trial`
 * — a field's own rules for the 专业科目 (professional) part, or a later year's — and the
 * (field, year) mapping that picks one. Read once at start-up; anything wrong stops it, named.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_MAPPING, defaultRegistry, JX_2023_TRIAL_ID, jx2023Trial, parseRuleSetDocument, RuleSetError, RuleSetRegistry, type RuleSetMappingEntry } from '@jx/rules';

/** The file: `{"ruleSets": [document, …], "mapping": [{"field", "fromYear", "toYear"?, "ruleSet"}, …]}`. */
const FileSchema = z.strictObject({
  // Each document is checked by the registry, which names its id and the field at fault.
  ruleSets: z.array(z.looseObject({})).max(100).default([]),
  // Entries are checked by the registry too; here only that they are objects to hand it.
  mapping: z.array(z.looseObject({})).max(1000).default([]),
});

/**
 * The registry for a deployment: without a file, the product as shipped; with one, `jx-2023-trial`
 * (always loaded, never redefined: events recorded under it must replay under it) plus the file's
 * documents, and the file's mapping after the default entry (`*` from 2023 → `jx-2023-trial`), so
 * that an entry naming a field, or a later `fromYear`, takes precedence over it.
 * Returns the problems instead, each starting with the variable's name.
 */
export function loadRuleSets(file: string | undefined): { registry: RuleSetRegistry } | { problems: string[] } {
  if (file === undefined) return { registry: defaultRegistry() };
  const read = readJson(file);
  if ('problems' in read) return named(read.problems);
  const parsed = FileSchema.safeParse(read.json);
  if (!parsed.success) {
    return named(
      parsed.error.issues.map((i) => {
        const path = i.path.map(String).join('.');
        const what = i.code === 'unrecognized_keys' ? `unknown field ${i.keys.join(', ')} (it holds "ruleSets" and "mapping")` : i.message;
        return `${path ? `${path}: ` : ''}${what}`;
      }),
    );
  }
  const { ruleSets, mapping } = parsed.data;
  // Each document on its own first, so that every one at fault is named at once, by its place.
  const problems = [...builtInClashes(ruleSets, mapping), ...ruleSets.flatMap((doc, i) => documentProblems(doc, i))];
  if (problems.length > 0) return named(problems);
  try {
    // The registry checks the entries' shape itself (RuleSetError below).
    return { registry: new RuleSetRegistry([jx2023Trial, ...ruleSets], [...DEFAULT_MAPPING, ...(mapping as readonly unknown[] as RuleSetMappingEntry[])]) };
  } catch (e: unknown) {
    if (e instanceof RuleSetError) return named([describe(e)]);
    throw e;
  }
}

const named = (problems: string[]) => ({ problems: problems.map((p) => `RULE_SETS_FILE ${p}`) });

function readJson(file: string): { json: unknown } | { problems: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e: unknown) {
    const code = (e as NodeJS.ErrnoException).code;
    return { problems: [`${file} cannot be read (${code ?? (e instanceof Error ? e.message : String(e))})`] };
  }
  try {
    // A byte-order mark, as some editors save UTF-8, is no part of the JSON.
    return { json: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (e: unknown) {
    return { problems: [`is not JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`] };
  }
}

function documentProblems(doc: unknown, index: number): string[] {
  try {
    parseRuleSetDocument(doc);
    return [];
  } catch (e: unknown) {
    if (!(e instanceof RuleSetError)) throw e;
    const which = e.subject === 'rule set' ? '' : ` (${e.subject})`;
    return [`ruleSets.${index}${which}: ${e.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`];
  }
}

/**
 * What the file may not change of the product as shipped: `jx-2023-trial` itself, and its mapping
 * for every field from 2023 (RULES.md §4 **Decision**): a field's entry, or a later year's, goes beside it.
 */
function builtInClashes(documents: readonly Record<string, unknown>[], mapping: readonly Record<string, unknown>[]): string[] {
  const problems: string[] = [];
  documents.forEach((doc, i) => {
    if (doc.id === JX_2023_TRIAL_ID) problems.push(`ruleSets.${i}.id: "${JX_2023_TRIAL_ID}" is built in and cannot be redefined (events recorded under it replay under it): give changed rules an id of their own`);
  });
  mapping.forEach((entry, i) => {
    if (entry.field === '*' && entry.fromYear === 2023) problems.push(`mapping.${i}: every field from 2023 is mapped to "${JX_2023_TRIAL_ID}" already: map a field, or a later fromYear`);
  });
  return problems;
}

/** Mapping paths count the default entry first: shown as the file's own index, so that they can be found. */
function describe(error: RuleSetError): string {
  if (error.subject !== 'rule set mapping') return error.message;
  return error.issues
    .map((i) => {
      const shifted = i.path.replace(/^(\d+)/, (n) => `mapping.${Number(n) - DEFAULT_MAPPING.length}`);
      return shifted ? `${shifted}: ${i.message}` : `mapping: ${i.message}`;
    })
    .join('; ');
}
