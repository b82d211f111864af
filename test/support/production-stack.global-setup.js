// One prefix for this run's schemas and queues (inherited by the workers), swept at its end.
const { randomBytes } = require('node:crypto');

module.exports = async () => {
  process.env.JX_E2E_RUN ??= randomBytes(3).toString('hex');
};
