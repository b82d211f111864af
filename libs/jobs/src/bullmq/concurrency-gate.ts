/**
 * The port's concurrency is per job name; a BullMQ worker's is per worker, and one worker serves
 * every name on the queue. The adapter's worker therefore takes as many jobs at once as all names
 * together may run, and each name's gate admits a job only while the name has a free slot: a job
 * it turns away goes back to the queue (BullMqJobQueue), for this worker later or another now.
 */
export class ConcurrencyGate {
  private running = 0;
  private isShut = false;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  }

  /** `entered` with a slot (give it back with `leave`); `full` while every slot is taken; `shut` once closing. */
  tryEnter(): 'entered' | 'full' | 'shut' {
    if (this.isShut) return 'shut';
    if (this.running >= this.limit) return 'full';
    this.running += 1;
    return 'entered';
  }

  leave(): void {
    this.running -= 1;
  }

  /** Admits nobody from now on (closing: no further job may start). */
  shut(): void {
    this.isShut = true;
  }
}
