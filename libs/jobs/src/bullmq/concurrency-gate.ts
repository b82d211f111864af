/**
 * The port's concurrency is per job name; a BullMQ worker's is per worker, and one worker serves
 * every name on the queue. The adapter's worker therefore takes as many jobs at once as all names
 * together may run, and each name's gate holds a job it took beyond that name's limit until a
 * slot of the name frees — first come, first served, so a name's jobs still start in queue order.
 */
export class ConcurrencyGate {
  private running = 0;
  private isShut = false;
  private readonly waiting: Array<(admitted: boolean) => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  }

  /** Resolves true with a slot (give it back with `leave`), or false once the gate is shut. */
  enter(): Promise<boolean> {
    if (this.isShut) return Promise.resolve(false);
    if (this.running < this.limit) {
      this.running += 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  leave(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next job, so `running` stays as it is.
    if (next) next(true);
    else this.running -= 1;
  }

  /**
   * Turns every job still waiting away (closing: they must not start). Newest first: each one is
   * put back at the head of BullMQ's wait list, so the oldest, put back last, is again first.
   */
  shut(): void {
    this.isShut = true;
    while (this.waiting.length > 0) this.waiting.pop()!(false);
  }

  get queued(): number {
    return this.waiting.length;
  }
}
