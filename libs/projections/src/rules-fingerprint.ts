/**
 * A fingerprint of the rule sets a projection evaluates years under (their content and the (field,
 * year) mapping): kept with each copy's checkpoint from its first page on, so that a process
 * started with other rule sets can tell that the read models were derived under different ones.
 */
import { createHash } from 'node:crypto';
import { defaultRegistry, stableJson } from '@jx/rules';
import type { RuleSets } from './credit-year.projection';

export function rulesFingerprint(rules: RuleSets): string {
  const content = stableJson({ ruleSets: rules.ids().map((id) => rules.resolve(id)), mapping: rules.entries() });
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** Read models written before v9 were all derived under the rule sets shipped then: these. */
export const SHIPPED_RULES_FINGERPRINT = rulesFingerprint(defaultRegistry());
