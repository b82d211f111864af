// Every suite runs on the shipped rule sets unless it names a file itself (test/rule-sets-file.e2e-spec.ts):
// a RULE_SETS_FILE exported in the developer's shell must not reach the processes the suites start.
delete process.env.RULE_SETS_FILE;
