import type { Logger } from 'pino';
/** Whatever a stuck dependency does, a stop signal ends the process within this. */
export const SHUTDOWN_DEADLINE_MS = 15_000;

/** What each process does on a stop signal, said on its signal line. */
const STOPPING = {
  api: 'answers in flight finish, then the stores close',
  worker: 'running jobs stop at their next safe point, then the stores close',
} as const;

/**
 * For a process entry point: arms a hard exit once SIGTERM or SIGINT arrives (Nest's hooks run
 * meanwhile). With `log`, the shutdown and an exit are JSON log lines too (`shutting down`, and
 * `exits` with its exit code), for whoever reads the logs rather than the terminal.
 */
export function armShutdownDeadline(kind: keyof typeof STOPPING, ms = SHUTDOWN_DEADLINE_MS, log?: Pick<Logger, 'info' | 'error'>): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // Said on stderr, beside the start-up messages; the JSON log lines stay on stdout.
      process.stderr.write(`${signal}: shutting down (${STOPPING[kind]}; at most ${ms / 1000} s)\n`);
      log?.info({ signal, deadlineMs: ms }, 'shutting down');
      setTimeout(() => {
        process.stderr.write(`shutdown took longer than ${ms / 1000} s; exiting\n`);
        log?.error({ deadlineMs: ms }, 'shutdown took longer than its deadline; exiting');
        process.exit(1);
      }, ms).unref();
    });
  }
  // An exit other than by its stop signal (which Nest raises again once the stores are closed,
  // ending the process without an exit event): a failed start, a fenced process. The root logger
  // writes synchronously (createRootLogger): a line at exit is not lost.
  if (log !== undefined) process.once('exit', (exitCode) => log.info({ exitCode }, 'exits'));
}
