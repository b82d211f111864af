/** A rule set (or a registry mapping) that cannot be loaded; every issue names its field path. */
import type { z } from 'zod';

export interface RuleSetIssue {
  /** Dotted path inside the document, e.g. `items.8.3.cap`; empty for the document itself. */
  path: string;
  message: string;
}

export class RuleSetError extends Error {
  override readonly name: string = 'RuleSetError';
  constructor(
    readonly subject: string,
    readonly issues: readonly RuleSetIssue[],
  ) {
    super(`${subject}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
  }
}

/** `resolve(id)` of an id the registry does not hold. */
export class UnknownRuleSetError extends RuleSetError {
  override readonly name: string = 'UnknownRuleSetError';
  constructor(readonly ruleSetId: string) {
    super(`rule set "${ruleSetId}"`, [{ path: '', message: 'unknown rule set' }]);
  }
}

export function zodIssues(error: z.ZodError): RuleSetIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: path ? `${path}.${key}` : key, message: 'unknown field' }));
    }
    return [{ path, message: issue.message }];
  });
}
