/**
 * `npm run rule-sets:check -- <file>`: checks a rule-sets file as start-up would (RULE_SETS_FILE,
 * Art. 15) and prints what it would put in force — which rule set each field gets from which year —
 * so that a deployment learns of a mistake before a restart does. Exit 0 when it loads, 1 when not.
 */
import { loadRuleSets } from '@jx/config';
import { describeRuleSets } from './describe-rule-sets';

const USAGE = `usage: npm run rule-sets:check -- <file>   (in the Docker image: node dist/apps/worker/src/cli/check-rule-sets.js <file>)
  Checks a rule-sets file as RULE_SETS_FILE would be at start-up, and prints the rule sets it loads
  and which one each field gets from which year: exit 0 when it loads, 1 (each problem named) when not.
  Without <file>, the RULE_SETS_FILE of the environment, or the shipped rule sets when that is unset.`;

function main(): void {
  const args = process.argv.slice(2);
  if (args.length > 1 || ['--help', '-h', 'help'].includes(args[0] ?? '')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(args.length > 1 ? 1 : 0);
  }
  const file = args[0] ?? (process.env.RULE_SETS_FILE || undefined);
  const loaded = loadRuleSets(file);
  if ('problems' in loaded) {
    for (const problem of loaded.problems) process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  for (const line of describeRuleSets(loaded.registry)) process.stdout.write(`${line}\n`);
  process.stdout.write(`OK: ${file ?? 'the shipped rule sets'} loads\n`);
}

main();
