import { randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent, StoredEvent } from '../event-store.port';

const T0 = Date.parse('2024-05-06T08:00:00.000Z');

/** A fixed instant `minutes` after 2024-05-06T08:00Z, in the canonical ISO form. */
export function minutesAfterT0(minutes: number): string {
  return new Date(T0 + minutes * 60_000).toISOString();
}

export function testMetadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    actor: { id: 'user-1', role: 'professional' },
    correlationId: 'corr-1',
    causationId: null,
    ruleSetId: 'jx-2023-trial',
    at: minutesAfterT0(0),
    ...overrides,
  };
}

export function newEvent(type: string, data: Record<string, unknown> = {}, metadata: Partial<EventMetadata> = {}): NewEvent {
  return { type, data, metadata: testMetadata(metadata) };
}

/** Stream ids unique per test, so the suite also holds on a store shared between tests. */
export function uniqueStreamId(category: string): string {
  return `${category}-${randomUUID()}`;
}

export function positionsOf(events: readonly StoredEvent[]): number[] {
  return events.map((e) => e.position);
}

export function expectStrictlyIncreasing(values: readonly number[]): void {
  for (let i = 1; i < values.length; i += 1) expect(values[i]).toBeGreaterThan(values[i - 1]!);
}

/** Collects what a subscription delivers and lets a test await a count, without sleeping. */
export class Collector {
  readonly events: StoredEvent[] = [];
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  readonly handle = async (page: readonly StoredEvent[]): Promise<void> => {
    this.events.push(...page);
    this.waiters = this.waiters.filter((w) => (this.events.length >= w.count ? (w.resolve(), false) : true));
  };

  until(count: number): Promise<void> {
    if (this.events.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

/** A promise with its resolver exposed: lets a test hold a handler mid-page. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets already-queued callbacks run (one macrotask turn); not a sleep, no time passes. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
