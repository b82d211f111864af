// Builds the apps once before the e2e project runs: some suites start the real server process
// (node dist/apps/api/src/main.js), and parallel workers must not each rebuild dist/ at once.
// Also names the run, for apps put on the production stack by hand (JX_E2E_STACK=production).
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async () => {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: join(__dirname, '..', '..'), stdio: 'inherit' });
  process.env.JX_E2E_RUN ||= require('./production-stack').newRunId();
};
