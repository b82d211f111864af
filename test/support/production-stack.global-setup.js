// One id for this run's schemas and queues (inherited by the workers), swept at its end; and what
// runs cut short over a day ago left (see production-stack.ts).
module.exports = async () => {
  const { dropStaleRuns, newRunId } = require('./production-stack');
  process.env.JX_E2E_RUN ||= newRunId();
  await dropStaleRuns();
};
