/**
 * The shared contract through the EventStoreDB adapter on an in-memory FAKE of the client
 * (testing/in-memory-esdb-client.ts), because no EventStoreDB server can run here. It checks the
 * adapter's own logic; the real server is checked by eventstoredb-event-store.int.spec.ts.
 */
import { describeEventStoreContract } from '../testing';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter';
import { InMemoryEsdbClient } from './testing/in-memory-esdb-client';

describeEventStoreContract('eventstoredb adapter on a client fake', async () => {
  const store = new EventStoreDbEventStore(new InMemoryEsdbClient().asClient(), { namespace: 'contract', pollIntervalMs: 20 });
  return { store, cleanup: () => store.close() };
});

describe('namespaces on one server', () => {
  it('two stores see only their own streams, positions and heads', async () => {
    const client = new InMemoryEsdbClient().asClient();
    const a = new EventStoreDbEventStore(client, { namespace: 'a' });
    const b = new EventStoreDbEventStore(client, { namespace: 'b' });
    const meta = { actor: { id: 'x', role: 'unit' }, correlationId: 'c', causationId: null, ruleSetId: 'r', at: '2024-01-01T00:00:00.000Z' };
    await a.append('s-1', [{ type: 'T', data: { n: 1 }, metadata: meta }], -1);
    await b.append('s-1', [{ type: 'T', data: { n: 2 }, metadata: meta }], -1);
    expect((await a.readStream('s-1')).map((e) => e.data)).toEqual([{ n: 1 }]);
    expect(await a.listStreams('')).toEqual(['s-1']);
    expect((await b.readAll(0, 10)).map((e) => e.data)).toEqual([{ n: 2 }]);
    expect(await a.headPosition()).toBeLessThan(await b.headPosition());
  });
});
