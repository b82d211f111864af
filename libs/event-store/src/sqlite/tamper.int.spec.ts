import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { verifyChain } from '../hash-chain';
import { minutesAfterT0, newEvent } from '../testing';
import { openSqliteEventStore } from './sqlite-event-store.adapter';

const STREAMS = ['creditYear-p1+2024', 'creditYear-p2+2024', 'unit-u1'];

describe('hash chain against tampering with the SQLite file', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jx-tamper-'));
    file = join(dir, 'events.db');
    const store = openSqliteEventStore({ file });
    for (const streamId of STREAMS) {
      const events = [0, 1, 2, 3].map((m) => newEvent(`E${m}`, { streamId, m }, { at: minutesAfterT0(m) }));
      await store.append(streamId, events, -1);
    }
    await store.close();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Edits the file behind the store's back, as someone with disk access could. */
  function tamper(sql: string, ...params: unknown[]): void {
    const db = new Database(file);
    try {
      expect(db.prepare(sql).run(...params).changes).toBe(1);
    } finally {
      db.close();
    }
  }

  async function report() {
    const store = openSqliteEventStore({ file });
    try {
      return await verifyChain(store);
    } finally {
      await store.close();
    }
  }

  it('an untouched file verifies', async () => {
    expect(await report()).toEqual({ ok: true, streamsChecked: 3, eventsChecked: 12, broken: [] });
  });

  it('names exactly the stream and revision whose data was edited', async () => {
    tamper(`UPDATE events SET data = ? WHERE stream_id = ? AND revision = ?`, '{"streamId":"x","m":99}', 'creditYear-p2+2024', 2);
    const result = await report();
    expect(result.ok).toBe(false);
    expect(result.broken).toEqual([
      expect.objectContaining({ streamId: 'creditYear-p2+2024', revision: 2, reason: 'hash-mismatch' }),
    ]);
  });

  it('names an event edited beyond decoding (its data or metadata no longer JSON), and checks every other stream', async () => {
    tamper(`UPDATE events SET data = ? WHERE stream_id = ? AND revision = ?`, '{"streamId":', 'creditYear-p1+2024', 1);
    tamper(`UPDATE events SET metadata = ? WHERE stream_id = ? AND revision = ?`, 'not json', 'unit-u1', 3);
    expect(await report()).toEqual({
      ok: false, streamsChecked: 3, eventsChecked: 4,
      broken: [
        { streamId: 'creditYear-p1+2024', revision: 1, reason: 'unreadable', message: expect.stringMatching(/^its data cannot be read: /) },
        { streamId: 'unit-u1', revision: 3, reason: 'unreadable', message: expect.stringMatching(/^its metadata cannot be read: /) },
      ],
    });
    // A read of it says which event, for whoever meets it (a 500's log line, a projection's retries).
    const store = openSqliteEventStore({ file });
    try {
      await expect(store.readStream('creditYear-p1+2024')).rejects.toMatchObject({ name: 'UnreadableEventError', streamId: 'creditYear-p1+2024', revision: 1, part: 'data' });
    } finally {
      await store.close();
    }
  });

  it.each([
    ['metadata', 'null'], ['metadata', '{}'], ['metadata', '{"actor":{"id":7}}'], ['data', '[1]'], ['data', '"text"'],
  ])('names an event whose %s is JSON but no longer what the store wrote (%s), as unreadable', async (column, value) => {
    tamper(`UPDATE events SET ${column} = ? WHERE stream_id = ? AND revision = ?`, value, 'creditYear-p2+2024', 2);
    expect((await report()).broken).toEqual([expect.objectContaining({ streamId: 'creditYear-p2+2024', revision: 2, reason: 'unreadable' })]);
  });

  it('names an edited actor or time as well', async () => {
    tamper(`UPDATE events SET at = ? WHERE stream_id = ? AND revision = ?`, '2020-01-01T00:00:00.000Z', 'unit-u1', 1);
    expect((await report()).broken).toEqual([expect.objectContaining({ streamId: 'unit-u1', revision: 1 })]);
  });

  it('names the first missing revision when an event is deleted', async () => {
    tamper(`DELETE FROM events WHERE stream_id = ? AND revision = ?`, 'creditYear-p1+2024', 1);
    expect((await report()).broken).toEqual([
      expect.objectContaining({ streamId: 'creditYear-p1+2024', revision: 1, reason: 'revision-gap' }),
    ]);
  });

  it('notices the last event cut off a stream', async () => {
    tamper(`DELETE FROM events WHERE stream_id = ? AND revision = ?`, 'unit-u1', 3);
    expect((await report()).broken).toEqual([
      expect.objectContaining({ streamId: 'unit-u1', revision: 3, reason: 'truncated' }),
    ]);
  });

  it('refuses to extend a stream whose last event is gone rather than restart its chain', async () => {
    tamper(`DELETE FROM events WHERE stream_id = ? AND revision = ?`, 'unit-u1', 3);
    const store = openSqliteEventStore({ file });
    try {
      await expect(store.append('unit-u1', [newEvent('E4')], 3)).rejects.toThrow(/missing/);
    } finally {
      await store.close();
    }
  });

  it('tells its progress after each stream, up to every stream it listed', async () => {
    const store = openSqliteEventStore({ file });
    try {
      const seen: Array<[number, number, number]> = [];
      const report = await verifyChain(store, { onProgress: (p) => seen.push([p.streamsChecked, p.streamsTotal, p.eventsChecked]) });
      expect(seen.map(([checked]) => checked)).toEqual(Array.from({ length: report.streamsChecked }, (_, i) => i + 1));
      expect(seen.every(([, total]) => total === report.streamsChecked)).toBe(true);
      expect(seen[seen.length - 1]![2]).toBe(report.eventsChecked);
    } finally {
      await store.close();
    }
  });

  it('only checks the prefixes asked for', async () => {
    tamper(`UPDATE events SET data = '{}' WHERE stream_id = ? AND revision = ?`, 'unit-u1', 0);
    const store = openSqliteEventStore({ file });
    try {
      expect(await verifyChain(store, { prefixes: ['creditYear-'] })).toMatchObject({ ok: true, streamsChecked: 2 });
      expect(await verifyChain(store, { prefixes: ['unit-'] })).toMatchObject({ ok: false, streamsChecked: 1 });
    } finally {
      await store.close();
    }
  });
});
