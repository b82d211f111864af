import type { JobTimers } from '../in-process/job-timers';

/**
 * Timers a test drives by hand (a fake of the clock, which a test cannot wait on): schedules run
 * when the test calls `fire`, and a retry's back-off is recorded and skipped at once.
 */
export class ManualJobTimers implements JobTimers {
  /** Every back-off asked for, in order (what a retry would have waited). */
  readonly delays: number[] = [];
  private readonly repeats = new Map<number, { ms: number; fn: () => void }>();
  private nextId = 1;

  every(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.repeats.set(id, { ms, fn });
    return () => {
      this.repeats.delete(id);
    };
  }

  delay(ms: number): Promise<void> {
    this.delays.push(ms);
    return Promise.resolve();
  }

  /** One tick of every live repeat timer (or only of those with that period). */
  fire(everyMs?: number): void {
    for (const { ms, fn } of [...this.repeats.values()]) if (everyMs === undefined || ms === everyMs) fn();
  }

  /** Live repeat timers: a cancelled schedule must not leave one behind. */
  get activeRepeats(): number {
    return this.repeats.size;
  }
}
