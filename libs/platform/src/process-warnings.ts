/**
 * Process warnings (a pooled PostgreSQL connection lost, a deprecation) as JSON log lines, like
 * every other line a process writes, instead of Node's plain text on stderr. For entry points only:
 * it replaces Node's own printer for the whole process.
 */
import type { Logger } from 'pino';
import { describeError } from './redact';

export function logProcessWarnings(root: Logger): () => void {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  const log = (warning: Error) => root.warn({ context: 'process', warning: warning.name, err: describeError(warning) }, 'process warning');
  process.on('warning', log);
  // Undo (tests): Node's printer back, ours gone.
  return () => {
    process.off('warning', log);
    for (const printer of printers) process.on('warning', printer as (warning: Error) => void);
  };
}
