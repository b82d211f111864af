// After an e2e run put on the production stack by hand (JX_E2E_STACK=production): sweeps the
// schemas and queues its apps left (see production-stack.ts).
module.exports = async () => {
  if (process.env.JX_E2E_STACK !== 'production') return;
  await require('./production-stack').dropRun();
};
