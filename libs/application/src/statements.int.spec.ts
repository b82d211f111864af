/** The statement reader's cache of recent years, on the real SQLite store: bounded by events, never stale. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { creditYearStream } from '@jx/domain';
import { openSqliteEventStore, type NewEvent, type SqliteEventStore } from '@jx/event-store';
import { defaultRegistry } from '@jx/rules';
import { Statements } from './statements';

const metadata = { actor: { id: 'user-p', role: 'professional' }, correlationId: 'c', causationId: null, ruleSetId: 'jx-2023-trial', at: '2024-06-01T02:00:00.000Z' };
const opened = (personId: string): NewEvent => ({ type: 'PersonYearOpened', data: { personId, year: 2024, unitId: 'u1', field: 'general' }, metadata });
const declared = (activityId: string): NewEvent => ({
  type: 'ActivityDeclared',
  data: {
    activityId, category: '8.1', subject: 'public', title: 'Course', completedOn: '2024-05-06', measure: { hours: 10 }, hours: 10, contentKey: null,
    evidence: [{ name: 'c.pdf', sha256: 'a'.repeat(64) }], makeUp: false, declarant: { id: 'user-p', role: 'professional' }, institutionId: null, requestDigest: `digest-${activityId}`,
  },
  metadata,
});

let dir: string;
let store: SqliteEventStore;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jx-statements-'));
  store = openSqliteEventStore({ file: join(dir, 'events.sqlite') });
  // Three years of 3 events each: each weighs 4 in the cache (its events, and one for the entry).
  for (const personId of ['p1', 'p2', 'p3']) {
    await store.append(creditYearStream(personId, 2024), [opened(personId), declared('a1'), declared('a2')], -1);
  }
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the statement reader keeps recently read years within a budget of events', () => {
  it('holds at most its budget, least recently read out first, and answers a year it let go, or one that grew, as a reader without a cache does', async () => {
    const statements = new Statements(store, defaultRegistry(), 8);
    const fresh = () => new Statements(store, defaultRegistry(), 0);
    for (const personId of ['p1', 'p2', 'p3']) await statements.latest(personId, 2024);
    expect(statements.cachedEvents).toBe(8);
    expect((await statements.latest('p1', 2024)).json()).toBe((await fresh().latest('p1', 2024)).json());
    await store.append(creditYearStream('p3', 2024), [declared('a3')], 2);
    const grown = await statements.latest('p3', 2024);
    expect(grown.state.revision).toBe(3);
    expect(grown.json()).toBe((await fresh().latest('p3', 2024)).json());
    expect(statements.cachedEvents).toBeLessThanOrEqual(8);
  });

  it('a year read again is the last to go: reading another one lets the least recently read go instead', async () => {
    let reads = 0;
    const counting = new Proxy(store, {
      get(target, property) {
        if (property === 'readStream') reads += 1;
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const statements = new Statements(counting, defaultRegistry(), 8);
    await statements.latest('p1', 2024);
    await statements.latest('p2', 2024);
    await statements.latest('p1', 2024); // from the cache: p1 is now the most recent
    await statements.latest('p3', 2024); // p2 goes, not p1
    const before = reads;
    await statements.latest('p1', 2024);
    expect(reads).toBe(before);
    await statements.latest('p2', 2024);
    expect(reads).toBe(before + 1);
  });

  it('keeps a year heavier than the whole budget alone, until another is read', async () => {
    const statements = new Statements(store, defaultRegistry(), 3);
    await statements.latest('p1', 2024);
    expect(statements.cachedEvents).toBe(4);
    await statements.latest('p2', 2024);
    expect(statements.cachedEvents).toBe(4);
    expect((await statements.latest('p1', 2024)).json()).toBe((await new Statements(store, defaultRegistry()).latest('p1', 2024)).json());
  });
});
