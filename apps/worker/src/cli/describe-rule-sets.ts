/** What a rule-sets registry puts in force, in lines for an operator (`npm run rule-sets:check`). */
import { boundaryYears, FIELDS, type RuleSetRegistry } from '@jx/rules';

/** API.md's first year: the mapping's earlier years reach no person-year. */
const FIRST_YEAR = 2023;

/** Per field, from which year which rule set applies (consecutive years under one rule set merged). */
export function describeRuleSets(rules: RuleSetRegistry): string[] {
  const lines = rules.ids().map((id) => {
    const set = rules.resolve(id);
    const extended = set.lineage.length > 1 ? `, extends ${set.lineage[1]}` : '';
    const { public: pub, professional, total } = set.requirement;
    return `rule set ${id} (version ${set.version}, from ${set.effectiveFrom}${extended}): ${set.title}; requirement ${pub} public + ${professional} professional = ${total}`;
  });
  for (const field of FIELDS) {
    const spans: string[] = [];
    let last: string | undefined;
    for (const year of boundaryYears(rules.entries()).filter((y) => y >= FIRST_YEAR)) {
      const id = rules.idFor(field, year);
      if (id !== last) spans.push(`from ${year} ${id}`);
      last = id;
    }
    lines.push(`${field}: ${spans.join('; ')}`);
  }
  return lines;
}
