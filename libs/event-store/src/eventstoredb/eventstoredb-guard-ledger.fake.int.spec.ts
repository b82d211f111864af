/**
 * Guards across streams on EventStoreDB (eventstoredb-guard-ledger.ts), on the in-memory FAKE of
 * the client (no EventStoreDB server can run here): two stores on one fake are two processes on
 * one server, and the fake holds an append where a process could pause or stop between its steps.
 */
import { WrongExpectedVersionError } from '@eventstore/db-client';
import { WrongExpectedRevisionError, type NewEvent } from '../event-store.port';
import { verifyStreamChain } from '../hash-chain';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter';
import { itCountsContentOnceAcrossProcesses } from './testing/content-race';
import { InMemoryEsdbClient } from './testing/in-memory-esdb-client';

const meta = { actor: { id: 'x', role: 'unit' }, correlationId: 'c', causationId: null, ruleSetId: 'r', at: '2024-01-01T00:00:00.000Z' };
const event = (type: string): NewEvent[] => [{ type, data: { content: 'k1' }, metadata: meta }];
const Y1 = 'creditYear-p1+2024';
const Y2 = 'creditYear-p1+2025';
const guard = (streamId: string, expectedRevision: number) => ({ guards: [{ streamId, expectedRevision }] });

/** Person p1's ledger stream as the fake stores it (under the store's namespace). */
const LEDGER = 'g___guards-creditYear-p1';

type Append = ReturnType<InMemoryEsdbClient['appendToStream']>;

/** Sends the fake's appends to p1's ledger through `ledgerAppend`, which calls the real append or not. */
function onLedgerAppend(fake: InMemoryEsdbClient, ledgerAppend: (append: () => Append) => Append): void {
  const append = fake.appendToStream.bind(fake);
  (fake as unknown as { appendToStream: typeof append }).appendToStream = (name, events, options) =>
    name === LEDGER ? ledgerAppend(() => append(name, events, options)) : append(name, events, options);
}

async function twoProcesses() {
  const fake = new InMemoryEsdbClient();
  const a = new EventStoreDbEventStore(fake.asClient(), { namespace: 'g' });
  const b = new EventStoreDbEventStore(fake.asClient(), { namespace: 'g' });
  await a.append(Y1, event('Opened'), -1);
  await a.append(Y2, event('Opened'), -1);
  const types = async (streamId: string) => (await a.readStream(streamId)).map((e) => e.type);
  return { fake, a, b, types };
}

describe('guards across two years of one person, on EventStoreDB (a ledger of write-ahead intents)', () => {
  it('two processes’ guarded appends, each guarding the other’s stream: the second, while the first is paused before its events, is refused and the first commits', async () => {
    const { fake, a, b, types } = await twoProcesses();
    // A has checked its guard and is about to write its events when B checks its own.
    const paused = fake.holdNextAppend(`g__${Y1}`);
    const first = a.append(Y1, event('DeclaredByA'), 0, guard(Y2, 0));
    await paused.reached;
    await expect(b.append(Y2, event('DeclaredByB'), 0, guard(Y1, 0))).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    paused.release();
    await expect(first).resolves.toMatchObject({ revision: 1 });
    expect(await types(Y1)).toEqual(['Opened', 'DeclaredByA']);
    expect(await types(Y2)).toEqual(['Opened']);
    expect(verifyStreamChain(await a.readStream(Y1))).toEqual({ ok: true });
    await Promise.all([a.close(), b.close()]);
  });

  it('a process that stopped after its intent, before its events: the next guarded append of that person writes them, with their chain, and then sees them', async () => {
    const { fake, a, b, types } = await twoProcesses();
    const stopped = fake.holdNextAppend(`g__${Y1}`);
    const first = a.append(Y1, event('DeclaredByA'), 0, guard(Y2, 0));
    await stopped.reached;
    stopped.release(new Error('14 UNAVAILABLE: connection dropped'));
    await expect(first).rejects.toThrow('UNAVAILABLE');
    expect(await types(Y1)).toEqual(['Opened']);
    await expect(b.append(Y2, event('DeclaredByB'), 0, guard(Y1, 0))).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await types(Y1)).toEqual(['Opened', 'DeclaredByA']);
    expect(verifyStreamChain(await b.readStream(Y1))).toEqual({ ok: true });
    // Decided again on what is there now, it commits.
    await expect(b.append(Y2, event('DeclaredByB'), 0, guard(Y1, 1))).resolves.toMatchObject({ revision: 1 });
    await Promise.all([a.close(), b.close()]);
  });

  it('an intent whose stream moved on without it (a writer without guards came first) never lands: its writer gets a conflict, the next guarded append passes it by', async () => {
    const { fake, a, b, types } = await twoProcesses();
    const paused = fake.holdNextAppend(`g__${Y1}`);
    const first = a.append(Y1, event('DeclaredByA'), 0, guard(Y2, 0));
    await paused.reached;
    await b.append(Y1, event('Withdrawn'), 0);
    paused.release();
    await expect(first).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(b.append(Y2, event('DeclaredByB'), 0, guard(Y1, 1))).resolves.toMatchObject({ revision: 1 });
    expect(await types(Y1)).toEqual(['Opened', 'Withdrawn']);
    expect(await types(Y2)).toEqual(['Opened', 'DeclaredByB']);
    await Promise.all([a.close(), b.close()]);
  });

  it('reads are the leader’s: a follower behind on a rival’s events (its intent already there) cannot make a guard or a settled intent look unchanged', async () => {
    const { fake, a, b, types } = await twoProcesses();
    const paused = fake.holdNextAppend(`g__${Y1}`);
    const first = a.append(Y1, event('DeclaredByA'), 0, guard(Y2, 0));
    await paused.reached;
    fake.followerHas = fake.logLength; // A's intent is on the follower, its events will not be
    paused.release();
    await expect(first).resolves.toMatchObject({ revision: 1 });
    await expect(b.append(Y2, event('DeclaredByB'), 0, guard(Y1, 0))).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    fake.followerHas = undefined;
    expect(await types(Y1)).toEqual(['Opened', 'DeclaredByA']);
    expect(await types(Y2)).toEqual(['Opened']);
    await Promise.all([a.close(), b.close()]);
  });

  it('a guarded append of another year ordered first through the ledger is settled and passed: the append commits when its own streams did not move', async () => {
    const { fake, a, b, types } = await twoProcesses();
    const Y3 = 'creditYear-p1+2026';
    const intentHeld = fake.holdNextAppend(LEDGER);
    const first = b.append(Y1, event('DeclaredByB'), 0, guard(Y2, 0));
    await intentHeld.reached;
    await expect(a.append(Y3, event('DeclaredByA'), -1, guard(Y2, 0))).resolves.toMatchObject({ revision: 0 });
    intentHeld.release();
    await expect(first).resolves.toMatchObject({ revision: 1 });
    expect(await types(Y1)).toEqual(['Opened', 'DeclaredByB']);
    expect(await types(Y3)).toEqual(['DeclaredByA']);
    await Promise.all([a.close(), b.close()]);
  });

  it('an append to any revision keeps its own tries on a moved stream, whatever it spent waiting its turn at the ledger', async () => {
    const { fake, a, b, types } = await twoProcesses();
    let turn = fake.holdNextAppend(LEDGER);
    const appending = b.append(Y1, event('DeclaredByB'), 'any', guard(Y2, 0));
    for (let i = 0; i < 5; i++) {
      await turn.reached;
      await a.append('creditYear-p1+2026', event(`Other${i}`), 'any', guard(Y2, 0)); // ordered first
      const held = turn;
      turn = i < 4 ? fake.holdNextAppend(LEDGER) : { reached: Promise.resolve(), release: () => undefined };
      if (i === 4) {
        // Its turn at last: another writer moves the stream before its events.
        const events = fake.holdNextAppend(`g__${Y1}`);
        held.release();
        await events.reached;
        await a.append(Y1, event('Withdrawn'), 0);
        events.release();
      } else held.release();
    }
    await expect(appending).resolves.toMatchObject({ revision: 2 });
    expect(await types(Y1)).toEqual(['Opened', 'Withdrawn', 'DeclaredByB']);
    await Promise.all([a.close(), b.close()]);
  });

  it('a process’s next guarded append after its own intent landed makes no settling read; a rival’s intent since is still found and settled', async () => {
    const { fake, a, b, types } = await twoProcesses();
    await b.append(Y2, event('DeclaredByB'), 0, guard(Y1, 0));
    const ledgerReads = fake.streamReads.get(LEDGER)!;
    const targetReads = fake.streamReads.get(`g__${Y2}`)!;
    await b.append(Y2, event('DeclaredByB2'), 1, guard(Y1, 0));
    expect(fake.streamReads.get(LEDGER)).toBe(ledgerReads + 1); // its head
    // Its last event and the read-back: no settling read of its previous intent's stream.
    expect(fake.streamReads.get(`g__${Y2}`)).toBe(targetReads + 2);
    // A rival's intent since, its events not yet written: the head is not this process's own, so it is settled as usual.
    const paused = fake.holdNextAppend(`g__${Y1}`);
    const rival = a.append(Y1, event('DeclaredByA'), 0, guard(Y2, 2));
    await paused.reached;
    await expect(b.append(Y2, event('DeclaredByB3'), 2, guard(Y1, 0))).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await types(Y1)).toEqual(['Opened', 'DeclaredByA']);
    paused.release();
    await expect(rival).resolves.toMatchObject({ revision: 1 });
    await expect(b.append(Y2, event('DeclaredByB3'), 2, guard(Y1, 1))).resolves.toMatchObject({ revision: 3 });
    await Promise.all([a.close(), b.close()]);
  });

  it('two processes taking turns on one person pay three round trips more per guarded append, no more (the ledger’s head, the settling read, the intent)', async () => {
    const { fake, a, b } = await twoProcesses();
    let ledgerAppends = 0;
    onLedgerAppend(fake, (append) => {
      ledgerAppends += 1;
      return append();
    });
    await a.append(Y2, event('A0'), 0, guard(Y1, 0));
    await b.append(Y2, event('B0'), 1, guard(Y1, 0)); // a's own intent is no longer the ledger's last
    const reads = (stream: string) => fake.streamReads.get(stream) ?? 0;
    const before = { ledger: reads(LEDGER), y1: reads(`g__${Y1}`), y2: reads(`g__${Y2}`), appends: ledgerAppends };
    await a.append(Y2, event('A1'), 2, guard(Y1, 0));
    // Beyond an append without guards (Y2's last event and the read-back) and its guard's read (Y1).
    const extra = reads(LEDGER) - before.ledger + (ledgerAppends - before.appends) + (reads(`g__${Y1}`) - before.y1 - 1) + (reads(`g__${Y2}`) - before.y2 - 2);
    expect(extra).toBe(3);
    await Promise.all([a.close(), b.close()]);
  });

  it('after 8 turns lost to rivals at the ledger the append is a conflict on its own stream, naming its revision as it is', async () => {
    const { fake, a, types } = await twoProcesses();
    let turns = 0;
    onLedgerAppend(fake, async () => {
      turns += 1;
      throw new WrongExpectedVersionError(undefined, { streamName: LEDGER, expected: 0n, current: 1n });
    });
    await expect(a.append(Y1, event('Declared'), 0, guard(Y2, 0))).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', streamId: Y1, expected: 0, actual: 0 });
    expect(turns).toBe(8);
    expect(await types(Y1)).toEqual(['Opened']);
    await a.close();
  });

  it('the ledger is the store’s own: never read as events or streams, its name refused to callers, its old intents left to the server ($maxCount)', async () => {
    const { fake, a } = await twoProcesses();
    await a.append(Y1, event('DeclaredByA'), 0, guard(Y2, 0));
    await a.append(Y2, event('DeclaredByA'), 0, guard(Y1, 1));
    expect(await a.listStreams('')).toEqual([Y1, Y2]);
    const all = await a.readAll(0, 100);
    expect(all.map((e) => e.streamId)).toEqual([Y1, Y2, Y1, Y2]);
    expect(await a.headPosition()).toBe(all[3]!.position);
    expect(await a.readStream('_guards-creditYear-p1')).toEqual([]);
    await expect(a.append('_guards-creditYear-p1', event('X'), 'any')).rejects.toThrow(RangeError);
    expect(fake.maxCounts.get(LEDGER)).toBe(16n);
    await a.close();
  });

  it('where stream metadata may not be written (an ACL), guarded appends still commit: the ledger then keeps every intent', async () => {
    const { fake, a } = await twoProcesses();
    fake.metadataWritesDenied = true;
    await expect(a.append(Y1, event('DeclaredByA'), 0, guard(Y2, 0))).resolves.toMatchObject({ revision: 1 });
    expect(fake.maxCounts.size).toBe(0);
    await a.close();
  });

  it('a guard on another cardinal id only (a unit’s stream) takes no ledger: it is checked just before the append', async () => {
    const { fake, a } = await twoProcesses();
    await a.append('unit-u1', event('UnitPut'), -1);
    await expect(a.append(Y1, event('Declared'), 0, guard('unit-u1', 1))).rejects.toMatchObject({ streamId: 'unit-u1' });
    await expect(a.append(Y1, event('Declared'), 0, guard('unit-u1', 0))).resolves.toMatchObject({ revision: 1 });
    expect(fake.maxCounts.size).toBe(0);
    await a.close();
  });

  describe('on one client fake', () => {
    const fake = new InMemoryEsdbClient();
    itCountsContentOnceAcrossProcesses(() => new EventStoreDbEventStore(fake.asClient(), { namespace: 'g' }));
  });
});
