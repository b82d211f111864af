/** Whatever a stuck dependency does, a stop signal ends the process within this. */
export const SHUTDOWN_DEADLINE_MS = 15_000;

/** What each process does on a stop signal, said on its signal line. */
const STOPPING = {
  api: 'answers in flight finish, then the stores close',
  worker: 'running jobs stop at their next safe point, then the stores close',
} as const;

/** For a process entry point: arms a hard exit once SIGTERM or SIGINT arrives (Nest's hooks run meanwhile). */
export function armShutdownDeadline(kind: keyof typeof STOPPING, ms = SHUTDOWN_DEADLINE_MS): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // Said on stderr, beside the start-up messages: the JSON log lines stay on stdout.
      process.stderr.write(`${signal}: shutting down (${STOPPING[kind]}; at most ${ms / 1000} s)\n`);
      setTimeout(() => {
        process.stderr.write(`shutdown took longer than ${ms / 1000} s; exiting\n`);
        process.exit(1);
      }, ms).unref();
    });
  }
}
