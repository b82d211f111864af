// Sweeps the schemas and queues this run's `e2e-production` apps left (see production-stack.ts).
module.exports = async () => {
  const { dropRun } = require('./production-stack');
  await dropRun();
};
