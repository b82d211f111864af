/**
 * `npm run bench:postgres` (not a test): the PostgreSQL event store's append — the production
 * stack's write path — against a bare INSERT of the same rows, both measured in this run on the
 * same server. Each writer appends to streams of its own (DeclareActivity's shape: one
 * PersonYearOpened and one ActivityDeclared, then one ActivityDeclared per command), so nothing
 * conflicts and what is measured is the store's own serialisation: the global append lock that
 * keeps positions in commit order, and the hash chain.
 *   DATABASE_URL (default: the local test server) · BENCH_APPENDS (default 4000) ·
 *   BENCH_CONCURRENCY (default 32) · BENCH_STREAMS (default 600)
 * Each side runs in a schema of its own, dropped afterwards.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { creditYearStream } from '@jx/domain';
import { openPostgresEventStore, type EventStore, type NewEvent } from '@jx/event-store';
import { DATABASE_URL } from '@jx/postgres/testing';
import { load } from './http-client';

const APPENDS = Number(process.env.BENCH_APPENDS ?? 4000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 600);
const YEAR = 2026;

function events(i: number, revision: number): NewEvent[] {
  const metadata = { actor: { id: `professional-${i}`, role: 'professional' }, correlationId: randomUUID(), causationId: null, ruleSetId: 'jx-2023-trial', at: new Date().toISOString() };
  const declared: NewEvent = {
    type: 'ActivityDeclared',
    data: { activityId: `b${i}`, category: '8.1', subject: 'professional', title: 'Benchmark course', completedOn: `${YEAR}-01-02`, measure: { minutes: 90 }, hours: 2, contentKey: null, evidence: [{ name: 'certificate.pdf', sha256: 'a'.repeat(64) }], makeUp: false, declarant: metadata.actor, institutionId: null, requestDigest: 'd'.repeat(64) },
    metadata,
  };
  return revision === -1 ? [{ type: 'PersonYearOpened', data: { personId: `p${i}`, year: YEAR, unitId: 'u1', field: 'general' }, metadata }, declared] : [declared];
}

/**
 * Appends i go to stream i % STREAMS; a stream's appends are chained one after the other (each
 * expects the revision the last one left), and streams are spread over the writers.
 */
function chained(append: (stream: number, i: number, revision: number) => Promise<number>): (i: number) => Promise<number> {
  const tails = new Map<number, Promise<number>>();
  return (i) => {
    const stream = i % STREAMS;
    const tail = (tails.get(stream) ?? Promise.resolve(-1)).then((revision) => append(stream, i, revision));
    tails.set(stream, tail);
    return tail.then(() => 200);
  };
}

async function main(): Promise<void> {
  const admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  const schemas = [`jx_bench_${randomBytes(4).toString('hex')}`, `jx_bench_${randomBytes(4).toString('hex')}`];
  const [storeSchema, bareSchema] = schemas as [string, string];
  let store: EventStore | undefined;
  const pool = new Pool({ connectionString: DATABASE_URL, max: 10 });
  try {
    store = await openPostgresEventStore({ connectionString: DATABASE_URL, schema: storeSchema });
    await admin.query(`CREATE SCHEMA ${bareSchema}`);
    await admin.query(`CREATE TABLE ${bareSchema}.events (position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id uuid NOT NULL UNIQUE, stream_id text COLLATE "C" NOT NULL, revision integer NOT NULL, type text NOT NULL, data json NOT NULL, metadata json NOT NULL, at text NOT NULL, UNIQUE (stream_id, revision))`);
    const opened = store;
    const viaStore = chained(async (stream, i, revision) => (await opened.append(creditYearStream(`p${stream}`, YEAR), events(i, revision), revision)).revision);
    // The same rows, one transaction per append, without the store's lock, checks or chain.
    const bare = chained(async (stream, i, revision) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const rows = events(i, revision);
        await client.query(
          `INSERT INTO ${bareSchema}.events (id, stream_id, revision, type, data, metadata, at)
           SELECT id, $2, revision, type, data::json, metadata::json, at FROM unnest($1::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[]) AS e(id, revision, type, data, metadata, at)`,
          [rows.map(() => randomUUID()), creditYearStream(`p${stream}`, YEAR), rows.map((_, k) => revision + 1 + k), rows.map((e) => e.type), rows.map((e) => JSON.stringify(e.data)), rows.map((e) => JSON.stringify(e.metadata)), rows.map((e) => e.metadata.at)],
        );
        await client.query('COMMIT');
        return revision + rows.length;
      } finally {
        client.release();
      }
    });
    const warm = Math.min(STREAMS, APPENDS);
    await load(warm, CONCURRENCY, viaStore);
    await load(warm, CONCURRENCY, bare);
    const measured = { store: await load(APPENDS, CONCURRENCY, (i) => viaStore(i + warm)), bare: await load(APPENDS, CONCURRENCY, (i) => bare(i + warm)) };
    const line = (name: string, r: (typeof measured)['store']) => `${name.padEnd(18)} ${r.perSecond.toFixed(0).padStart(6)} appends/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms`;
    process.stdout.write(`postgres append bench: ${APPENDS} appends per side, ${CONCURRENCY} in flight, ${STREAMS} streams, node ${process.version}\n`);
    process.stdout.write(`${line('bare INSERT', measured.bare)}\n${line('event store', measured.store)}\n`);
    process.stdout.write(`ratio              ${(measured.store.perSecond / measured.bare.perSecond).toFixed(2)} (event store / bare INSERT)\n`);
  } finally {
    await store?.close();
    await pool.end();
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await admin.end();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
