/**
 * Logs `count` lines through the root logger, then ends as Nest's shutdown hooks end a process:
 * by re-raising the stop signal, which kills it without flushing anything still buffered.
 */
import { createRootLogger } from '../pino-logger';

const logger = createRootLogger('info');
const count = Number(process.argv[2]);
for (let i = 0; i < count; i += 1) logger.info({ i }, 'line before the stop');
process.kill(process.pid, 'SIGTERM');
