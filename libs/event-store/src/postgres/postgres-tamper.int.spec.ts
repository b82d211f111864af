import { randomUUID } from 'node:crypto';
import { chainHash, chainedFieldsOf, verifyChain } from '../hash-chain';
import { minutesAfterT0, newEvent, uniqueStreamId } from '../testing';
import type { PostgresEventStore } from './postgres-event-store.adapter';
import { TestDatabase } from './postgres-test-database';

const db = new TestDatabase();
beforeAll(() => db.setUp());
afterAll(() => db.tearDown());

describe('hash chain against tampering with the PostgreSQL tables', () => {
  let store: PostgresEventStore;
  /** Unique per test (the file shares one schema); verifyChain is asked about this prefix only. */
  let prefix: string;
  let streams: { p1: string; p2: string; unit: string };

  beforeEach(async () => {
    store = await db.open();
    prefix = `${uniqueStreamId('t').replace(/-/g, '')}:`;
    streams = { p1: `${prefix}creditYear-p1+2024`, p2: `${prefix}creditYear-p2+2024`, unit: `${prefix}unit-u1` };
    for (const streamId of Object.values(streams)) {
      const events = [0, 1, 2, 3].map((m) => newEvent(`E${m}`, { streamId, m }, { at: minutesAfterT0(m) }));
      await store.append(streamId, events, -1);
    }
  });
  afterEach(() => db.closeStores());

  /** Edits a row behind the store's back, as anyone with access to the database could. */
  async function tamper(sql: string, ...values: unknown[]): Promise<void> {
    expect((await db.sql(sql, values)).rowCount).toBe(1);
  }
  const report = (prefixes = [prefix]) => verifyChain(store, { prefixes });

  it('untouched tables verify', async () => {
    expect(await report()).toEqual({ ok: true, streamsChecked: 3, eventsChecked: 12, broken: [] });
  });

  it('names exactly the stream and revision whose data was edited with SQL', async () => {
    await tamper(`UPDATE ${db.table('events')} SET data = $1 WHERE stream_id = $2 AND revision = 2`, '{"streamId":"x","m":99}', streams.p2);
    const result = await report();
    expect(result.ok).toBe(false);
    expect(result.broken).toEqual([expect.objectContaining({ streamId: streams.p2, revision: 2, reason: 'hash-mismatch' })]);
  });

  it('names an edited actor or time as well', async () => {
    await tamper(`UPDATE ${db.table('events')} SET at = $1 WHERE stream_id = $2 AND revision = 1`, '2020-01-01T00:00:00.000Z', streams.unit);
    await tamper(
      `UPDATE ${db.table('events')} SET metadata = json_build_object('actor', json_build_object('id', 'mallory', 'role', 'unit'))
       WHERE stream_id = $1 AND revision = 3`,
      streams.p1,
    );
    expect((await report()).broken).toEqual([
      expect.objectContaining({ streamId: streams.p1, revision: 3, reason: 'hash-mismatch' }),
      expect.objectContaining({ streamId: streams.unit, revision: 1, reason: 'hash-mismatch' }),
    ]);
  });

  it('names the first missing revision when an event is deleted', async () => {
    await tamper(`DELETE FROM ${db.table('events')} WHERE stream_id = $1 AND revision = 1`, streams.p1);
    expect((await report()).broken).toEqual([expect.objectContaining({ streamId: streams.p1, revision: 1, reason: 'revision-gap' })]);
  });

  it('notices the last event cut off a stream', async () => {
    await tamper(`DELETE FROM ${db.table('events')} WHERE stream_id = $1 AND revision = 3`, streams.unit);
    expect((await report()).broken).toEqual([expect.objectContaining({ streamId: streams.unit, revision: 3, reason: 'truncated' })]);
  });

  it('refuses to extend a stream whose last event is gone rather than restart its chain', async () => {
    await tamper(`DELETE FROM ${db.table('events')} WHERE stream_id = $1 AND revision = 3`, streams.unit);
    await expect(store.append(streams.unit, [newEvent('E4')], 3)).rejects.toThrow(/missing/);
    await expect(store.append(streams.unit, [newEvent('E4')], 'any')).rejects.toThrow(/missing/);
    expect(await store.readStream(streams.unit)).toHaveLength(3);
  });

  it('append_events refuses a chain whose link is not the stream’s last event as stored, and writes nothing', async () => {
    const last = (await store.readStream(streams.p1))[3]!;
    // What a writer would send had the row been edited between its read of the link and its append.
    const call = (prevHash: string) =>
      db.sql(
        `SELECT * FROM ${db.schema}.append_events($1, 3, $2, ARRAY[$1], '{}', '{}', ARRAY[gen_random_uuid()], ARRAY[4], ARRAY['E4'],
           ARRAY['{}'], ARRAY['{}'], ARRAY[$3], ARRAY[$2], ARRAY[$4], 1, 'jx_test')`,
        [streams.p1, prevHash, minutesAfterT0(9), 'd'.repeat(64)],
      );
    await expect(call('e'.repeat(64))).rejects.toThrow(/not the one the append was chained onto/);
    expect(await store.readStream(streams.p1)).toHaveLength(4);
    expect(last.hash).not.toBe('e'.repeat(64));
  });

  it('an append given a link (the event it continues, as the caller read it) is refused when that is not the stored event, and writes nothing', async () => {
    const last = (await store.readStream(streams.p1))[3]!;
    // Consistent in itself (its hash covers what it says), but not what the store holds at revision 3.
    const forged = { ...last, data: { ...last.data, m: 99 } };
    forged.hash = chainHash(forged.prevHash, chainedFieldsOf(forged));
    await expect(store.append(streams.p1, [newEvent('E4')], 3, { link: forged })).rejects.toThrow(/not the one the append was chained onto/);
    expect(await store.readStream(streams.p1)).toHaveLength(4);
    // The link as read chains on, and the stream verifies.
    await store.append(streams.p1, [newEvent('E4')], 3, { link: last });
    expect(await report()).toMatchObject({ ok: true, eventsChecked: 13 });
  });

  it('a stream whose last event predates the refusal of unpaired surrogates (hashed escaped) still takes commands: its link is checked as its hash was made', async () => {
    const last = (await store.readStream(streams.p1))[3]!;
    const legacy = { ...last, id: randomUUID(), revision: 4, type: 'Legacy', data: { text: 'a\ud800b' }, prevHash: last.hash, metadata: { ...last.metadata, at: minutesAfterT0(4) } };
    legacy.hash = chainHash(legacy.prevHash, chainedFieldsOf(legacy), { unpairedSurrogates: 'escape' });
    await tamper(
      `INSERT INTO ${db.table('events')} (id, stream_id, revision, type, data, metadata, at, prev_hash, hash) VALUES ($1, $2, 4, 'Legacy', $3, $4, $5, $6, $7)`,
      legacy.id, streams.p1, JSON.stringify(legacy.data), JSON.stringify({ actor: last.metadata.actor, correlationId: 'c', causationId: null, ruleSetId: 'r' }), legacy.metadata.at, legacy.prevHash, legacy.hash,
    );
    await tamper(`UPDATE ${db.table('streams')} SET revision = 4 WHERE stream_id = $1`, streams.p1);
    const read = (await store.readStream(streams.p1))[4]!;
    await store.append(streams.p1, [newEvent('After')], 4, { link: read });
    expect((await store.readStream(streams.p1)).map((e) => e.type)).toEqual(['E0', 'E1', 'E2', 'E3', 'Legacy', 'After']);
    expect(await report()).toMatchObject({ ok: true });
  });

  it('a revision taken behind the store’s back is refused as a wrong revision, on the append’s own connection (a pool of one does not hang)', async () => {
    const small = await db.open({ pool: { max: 1 } });
    await tamper(
      `INSERT INTO ${db.table('events')} (id, stream_id, revision, type, data, metadata, at, prev_hash, hash)
       SELECT gen_random_uuid(), stream_id, 4, 'Sneaked', '{}', '{}', at, hash, 'e' || substr(hash, 2) FROM ${db.table('events')} WHERE stream_id = $1 AND revision = 3`,
      streams.p1,
    );
    // The streams row still says 3: the append passes its checks and meets the unique constraint.
    await expect(small.append(streams.p1, [newEvent('E4')], 3)).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', expected: 3, actual: 4 });
    await expect(small.append(streams.p1, [newEvent('E4')], 'any')).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', actual: 4 });
    expect(await small.readStream(streams.p2)).toHaveLength(4);
  });

  it('only checks the prefixes asked for', async () => {
    await tamper(`UPDATE ${db.table('events')} SET data = '{}' WHERE stream_id = $1 AND revision = 0`, streams.unit);
    expect(await report([`${prefix}creditYear-`])).toMatchObject({ ok: true, streamsChecked: 2 });
    expect(await report([`${prefix}unit-`])).toMatchObject({ ok: false, streamsChecked: 1 });
  });
});
