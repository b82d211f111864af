/**
 * Shuts down as a Nest process does on SIGTERM: its shutdown hooks log (here `count` lines, a
 * burst the asynchronous stdout cannot have written yet), then it raises the signal again to end,
 * which kills it without Node flushing anything still buffered.
 */
import { createRootLogger } from '../pino-logger';
import { armShutdownDeadline } from '../shutdown-deadline';

const logger = createRootLogger('info');
const count = Number(process.argv[2]);
armShutdownDeadline('worker');
const nestShutdown = (): void => {
  process.removeListener('SIGTERM', nestShutdown);
  for (let i = 0; i < count; i += 1) logger.info({ i }, 'line logged while shutting down');
  process.kill(process.pid, 'SIGTERM');
};
process.on('SIGTERM', nestShutdown);
process.kill(process.pid, 'SIGTERM');
// Kept alive until the signal ends it.
setInterval(() => undefined, 1000);
