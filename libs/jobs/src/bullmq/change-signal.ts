/**
 * Wakes `whenIdle` when the queue may have become idle. Listen first, then look, then wait: a
 * change between the look and the wait is not missed. Events wake it at once; a poll besides
 * them covers one that was missed (a QueueEvents stream read that had not begun yet).
 */
export class ChangeSignal {
  private readonly waiting = new Set<() => void>();

  constructor(private readonly pollMs: number) {}

  /** The next change (or poll tick); `dispose` once done with it, whether it happened or not. */
  next(): { happened: Promise<void>; dispose: () => void } {
    let wake!: () => void;
    const happened = new Promise<void>((resolve) => (wake = resolve));
    const timer = setTimeout(wake, this.pollMs);
    this.waiting.add(wake);
    return {
      happened,
      dispose: () => {
        clearTimeout(timer);
        this.waiting.delete(wake);
      },
    };
  }

  notify(): void {
    for (const wake of this.waiting) wake();
  }
}
