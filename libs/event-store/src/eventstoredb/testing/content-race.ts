/**
 * The race the guard ledger exists for, as a test any pair of EventStoreDB stores can run: two
 * processes (two stores on one server, each with its own locks) declaring the same content at once
 * in two years of one person, through handleCommand. Run on the client fake, on the fake gRPC
 * server through the real client, and on a real server when EVENTSTORE_URL is set.
 */
import type { EventStore } from '../../event-store.port';
import { handleCommand } from '../../handle-command';
import { KeyedMutex } from '../../keyed-mutex';

const meta = { actor: { id: 'x', role: 'professional' }, correlationId: 'c', causationId: null, at: '2024-01-01T00:00:00.000Z' };

function declare(store: EventStore, locks: KeyedMutex, year: string, other: string) {
  return handleCommand(
    store,
    {
      streamId: year,
      relatedStreams: [other],
      metadata: meta,
      decide: ({ related }) => {
        if (related.get(other)!.some((e) => e.data['content'] === 'k1')) throw new Error('CONTENT_ALREADY_COUNTED');
        return { events: [{ type: 'Declared', data: { content: 'k1' } }], ruleSetId: 'r' };
      },
    },
    { locks },
  );
}

/** `open` gives a store of the shared namespace: each call is another process. */
export function itCountsContentOnceAcrossProcesses(open: () => EventStore, rounds = 30): void {
  it(`the same content declared at once in two years by two processes (handleCommand, each its own locks) is counted in one year only, ${rounds} rounds`, async () => {
    const processes = [open(), open()].map((store) => ({ store, locks: new KeyedMutex() }));
    const person = `p${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    try {
      for (let round = 0; round < rounds; round++) {
        const [y1, y2] = [`creditYear-${person}r${round}+2024`, `creditYear-${person}r${round}+2025`];
        const [a, b] = processes as [(typeof processes)[0], (typeof processes)[0]];
        // Each round another schedule: who starts, and how many turns of the event loop the other waits.
        const later = async (run: () => Promise<unknown>) => {
          for (let tick = 0; tick < round % 5; tick++) await new Promise<void>((resolve) => setImmediate(resolve));
          return run();
        };
        const first = () => declare(a.store, a.locks, y1, y2);
        const second = () => declare(b.store, b.locks, y2, y1);
        const outcomes = await Promise.allSettled(round % 2 === 0 ? [first(), later(second)] : [later(first), second()]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { message: 'CONTENT_ALREADY_COUNTED' } });
        expect([...(await a.store.readStream(y1)), ...(await a.store.readStream(y2))]).toHaveLength(1);
      }
    } finally {
      await Promise.all(processes.map((p) => p.store.close()));
    }
  }, 60_000);
}
