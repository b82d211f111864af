/**
 * A least-recently-stored map bounded by the total weight of its entries, not by their count: a
 * cache of streams, or of what is derived from them, then holds as many events at most however
 * long the streams grow (a person-year takes up to 500 activities, and more events).
 */
export class WeightedCache<K, V> {
  /** Insertion order = least recently stored first. */
  private readonly entries = new Map<K, { value: V; weight: number }>();
  private held = 0;

  constructor(
    private readonly capacity: number,
    private readonly weightOf: (value: V) => number,
  ) {}

  /** The weight of every entry held. */
  get weight(): number {
    return this.held;
  }

  /** The value stored under `key`, if still held (reading it does not make it recent). */
  get(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  /**
   * Stores `value` as the most recent entry (storing it again makes it so), evicting the least
   * recent ones beyond the capacity. The entry just stored stays, even alone above the capacity
   * (a stream longer than the whole budget is still extended by the append that follows its read),
   * until another is stored.
   */
  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.weightOf(value);
    this.entries.set(key, { value, weight });
    this.held += weight;
    for (const oldest of this.entries.keys()) {
      if (this.held <= this.capacity || oldest === key) break;
      this.delete(oldest);
    }
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.held -= entry.weight;
  }
}
