/**
 * A process fenced out by newer code — its read models were migrated past the schema it opened
 * them at (ReadModelsMigratedError) — can do nothing right any more, and no retry helps: its
 * projection pages, jobs and reads would fail for ever while the process looked alive. Whatever
 * meets the error reports it here; the process entry point (exitWhenFenced) then stops the
 * process, so that a supervisor sees it exit and restarts it: the older release then refuses to
 * start, saying why, and the newer one takes over.
 */
import { ReadModelsMigratedError } from '@jx/projections';
import { SHUTDOWN_DEADLINE_MS } from './shutdown-deadline';

let fencedBy: ReadModelsMigratedError | null = null;
const listeners: Array<(error: ReadModelsMigratedError) => void> = [];

/** True when `error` says this process is fenced out; the first such report is passed on. */
export function reportIfFenced(error: unknown): boolean {
  if (!(error instanceof ReadModelsMigratedError)) return false;
  if (fencedBy === null) {
    fencedBy = error;
    for (const listener of listeners.splice(0)) listener(error);
  }
  return true;
}

/** Calls `listener` once, when (or if already) this process is fenced out. */
export function whenFenced(listener: (error: ReadModelsMigratedError) => void): void {
  if (fencedBy !== null) listener(fencedBy);
  else listeners.push(listener);
}

/**
 * For a process entry point: once fenced out, says so on stderr, closes the application (answers
 * in flight finish, jobs stop at their next safe point, the stores close) and exits with status 1
 * — at the latest after the shutdown deadline.
 */
export function exitWhenFenced(kind: 'api' | 'worker', close: () => Promise<void>): void {
  whenFenced((error) => {
    process.stderr.write(`${error.message}; this ${kind} process stops (exit status 1)\n`);
    setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
    close().then(
      () => process.exit(1),
      () => process.exit(1),
    );
  });
}
