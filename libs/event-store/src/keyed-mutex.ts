/**
 * In-process mutual exclusion per key (a stream id). Commands on one stream queue here instead of
 * racing to the store and burning retries; the store's expected-revision check still guards
 * against other processes.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `task` holding every key. Keys are taken one by one in sorted order, so two callers that
   * need overlapping sets cannot each hold a key the other waits for.
   */
  async runExclusive<T>(keys: string | readonly string[], task: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(typeof keys === 'string' ? [keys] : keys)].sort();
    const releases: Array<() => void> = [];
    try {
      for (const key of sorted) releases.push(await this.acquire(key));
      return await task();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  /** Keys currently held or awaited (for tests: the map must not grow without bound). */
  get size(): number {
    return this.tails.size;
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      // Last in the queue: forget the key so the map holds only contended streams.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
