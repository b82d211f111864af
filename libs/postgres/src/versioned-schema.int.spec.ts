import { randomBytes } from 'node:crypto';
import { escapeIdentifier, type Client, type QueryResult } from 'pg';
import { connectForTests } from './testing';
import { migrateVersionedSchema, type MigrationStep, type VersionedSchema } from './versioned-schema';

const prefix = `jx_pg_${randomBytes(5).toString('hex')}`;
const targetFor = (schema: string): VersionedSchema => ({ label: 'test', schema, quoted: escapeIdentifier(schema), versionTable: 'test_migrations', lockKey: '424242' });
const clients: Client[] = [];

async function connect(): Promise<Client> {
  const client = await connectForTests();
  clients.push(client);
  return client;
}

afterAll(async () => {
  // The tests' sessions first: one a failed test left in a transaction would hold the drops off.
  await Promise.all(clients.map((c) => c.end()));
  const admin = await connectForTests();
  try {
    for (const n of [1, 2, 3, 4, 5, 6, 7]) await admin.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(`${prefix}_${n}`)} CASCADE`);
  } finally {
    await admin.end();
  }
});

const table = (target: VersionedSchema, name: string): MigrationStep => async (c) => void (await c.query(`CREATE TABLE ${target.quoted}.${name} (id int)`));

describe('a PostgreSQL schema migrated in numbered steps', () => {
  it('applies each step once, in order, also for openers racing; upgrades later; refuses a newer schema untouched', async () => {
    const schema = `${prefix}_1`;
    const target = targetFor(schema);
    const one = table(target, 'one');
    const two = table(target, 'two');
    const openers = await Promise.all([connect(), connect(), connect()]);
    await Promise.all(openers.map((c) => migrateVersionedSchema(c, target, [one])));
    const admin = openers[0]!;
    const versions = async () => (await admin.query(`SELECT version FROM ${target.quoted}.test_migrations ORDER BY version`)).rows.map((r) => r.version);
    expect(await versions()).toEqual([1]);

    await migrateVersionedSchema(admin, target, [one, two]);
    expect(await versions()).toEqual([1, 2]);
    const tables = await admin.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [schema]);
    expect(tables.rows.map((r) => r.tablename)).toEqual(['one', 'test_migrations', 'two']);

    await expect(migrateVersionedSchema(admin, target, [one])).rejects.toThrow(`test schema ${schema} is at version 2, newer than this code (1)`);
    expect(await versions()).toEqual([1, 2]);
  });

  it('rolls a failing step back whole: neither its changes nor its version stay', async () => {
    const schema = `${prefix}_2`;
    const target = targetFor(schema);
    const client = await connect();
    await migrateVersionedSchema(client, target, [table(target, 'one'), table(target, 'two')]);
    const failing: MigrationStep = async (c) => {
      await c.query(`CREATE TABLE ${target.quoted}.three (id int)`);
      throw new Error('step 3 failed');
    };
    await expect(migrateVersionedSchema(client, target, [table(target, 'one'), table(target, 'two'), failing])).rejects.toThrow('step 3 failed');
    const three = await client.query(`SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'three'`, [schema]);
    expect(three.rowCount).toBe(0);
    expect((await client.query(`SELECT max(version)::int AS v FROM ${target.quoted}.test_migrations`)).rows[0].v).toBe(2);
  });

  it('bounds a step\'s wait for a table in use: it gives way (rolled back, a warning), so that the sessions queued behind it go on, and applies once the table is free', async () => {
    const schema = `${prefix}_5`;
    const target = targetFor(schema);
    const [opener, holder, reader] = await Promise.all([connect(), connect(), connect()]);
    await migrateVersionedSchema(opener, target, [table(target, 'one')]);
    // A session in the middle of a transaction that read the table (a request of a running process).
    await holder.query(`BEGIN; SELECT count(*) FROM ${target.quoted}.one`);
    const warnings: unknown[][] = [];
    let gaveWay!: () => void;
    const firstGiveWay = new Promise<void>((resolve) => (gaveWay = resolve));
    // Jest's sandboxed process object does not receive the real one's warnings: heard at the call.
    const emitted = jest.spyOn(process, 'emitWarning').mockImplementation((...args: unknown[]) => {
      warnings.push(args);
      gaveWay();
    });
    try {
      const addColumn: MigrationStep = async (c) => void (await c.query(`ALTER TABLE ${target.quoted}.one ADD COLUMN added int`));
      const migrating = migrateVersionedSchema(opener, target, [table(target, 'one'), addColumn], { lockWaitMs: 100 });
      await firstGiveWay;
      // Another session asking for the table while the step is trying again (seen waiting for the
      // holder) is answered: an unbounded wait would queue it behind the step, itself behind the
      // holder, until its own timeout.
      const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const stepWaiting = async () => (await reader.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))', [holderPid])).rows[0]!.n > 0;
      while (!(await stepWaiting())) await new Promise((resolve) => setImmediate(resolve));
      await reader.query("SET statement_timeout = '10s'");
      await expect(reader.query(`SELECT count(*)::int AS n FROM ${target.quoted}.one`)).resolves.toMatchObject({ rows: [{ n: 0 }] });
      await holder.query('COMMIT');
      await migrating;
    } finally {
      emitted.mockRestore();
      await holder.query('ROLLBACK').catch(() => undefined);
    }
    expect(warnings[0]).toEqual([`test schema ${schema}: migration step 2 waited 100 ms for a lock other sessions hold; rolled back to let the sessions queued behind it go on, trying again`, 'MigrationLockWarning']);
    const columns = await opener.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'one' ORDER BY column_name`, [schema]);
    expect(columns.rows.map((r) => r.column_name)).toEqual(['added', 'id']);
    expect((await opener.query(`SELECT max(version)::int AS v FROM ${target.quoted}.test_migrations`)).rows[0].v).toBe(2);
  });

  it('tries again when the server breaks a lock cycle by ending the migration (an older process waiting for a table a step holds, holding the one it alters next)', async () => {
    const schema = `${prefix}_7`;
    const target = targetFor(schema);
    const [opener, holder, watcher] = await Promise.all([connect(), connect(), connect()]);
    await migrateVersionedSchema(opener, target, [table(target, 'one'), table(target, 'two')]);
    // The migration's session finds the cycle first (it checks after 50 ms of waiting, the holder after a minute).
    await opener.query("SET deadlock_timeout = '50ms'");
    await holder.query("SET deadlock_timeout = '60s'");
    await holder.query(`BEGIN; SELECT count(*) FROM ${target.quoted}.two`);
    const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const holderWaits = async () => (await watcher.query<{ n: number }>('SELECT cardinality(pg_blocking_pids($1))::int AS n', [holderPid])).rows[0]!.n > 0;
    let tries = 0;
    let holderAsked!: (read: Promise<QueryResult>) => void;
    // Settles as the holder's read does (a promise resolved with a promise follows it).
    const holderRead = new Promise<QueryResult>((resolve) => (holderAsked = resolve));
    const cycle: MigrationStep = async (c) => {
      tries += 1;
      await c.query(`ALTER TABLE ${target.quoted}.one ADD COLUMN added int`);
      if (tries === 1) {
        // The holder now asks for the table the step holds, and waits; then the step asks for the holder's.
        holderAsked(holder.query(`SELECT count(*) FROM ${target.quoted}.one`));
        while (!(await holderWaits())) await new Promise((resolve) => setImmediate(resolve));
      }
      await c.query(`ALTER TABLE ${target.quoted}.two ADD COLUMN added int`);
    };
    const warnings: unknown[][] = [];
    const emitted = jest.spyOn(process, 'emitWarning').mockImplementation((...args: unknown[]) => void warnings.push(args));
    try {
      const migrating = migrateVersionedSchema(opener, target, [table(target, 'one'), table(target, 'two'), cycle], { lockWaitMs: 1000 });
      // Broken by ending the migration's try: the holder's read is answered; it then ends its transaction.
      await expect(holderRead).resolves.toMatchObject({ rowCount: 1 });
      await holder.query('COMMIT');
      await migrating;
    } finally {
      emitted.mockRestore();
      await holder.query('ROLLBACK').catch(() => undefined);
    }
    expect(tries).toBe(2);
    expect(warnings).toEqual([[`test schema ${schema}: migration step 3 was in a lock cycle with other sessions, which the server broke; rolled back to let the sessions queued behind it go on, trying again`, 'MigrationLockWarning']]);
    const columns = await opener.query(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'added' ORDER BY table_name`, [schema]);
    expect(columns.rows).toEqual([{ table_name: 'one', column_name: 'added' }, { table_name: 'two', column_name: 'added' }]);
  });

  it('fails, naming the wait and with nothing applied, when the table stays in use for longer than its tries may go on', async () => {
    const schema = `${prefix}_6`;
    const target = targetFor(schema);
    const [opener, holder] = await Promise.all([connect(), connect()]);
    await migrateVersionedSchema(opener, target, [table(target, 'one')]);
    await holder.query(`BEGIN; SELECT count(*) FROM ${target.quoted}.one`);
    const quiet = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const addColumn: MigrationStep = async (c) => void (await c.query(`ALTER TABLE ${target.quoted}.one ADD COLUMN added int`));
      await expect(migrateVersionedSchema(opener, target, [table(target, 'one'), table(target, 'two'), addColumn], { lockWaitMs: 50, triesForMs: 200 })).rejects.toThrow(
        new RegExp(`^test schema ${schema}: migration step 3 could not have the locks it needs in \\d+ tries over 0 s \\(other sessions hold them for longer than 50 ms at a time: see pg_locks\\); nothing of it was applied$`),
      );
    } finally {
      quiet.mockRestore();
      await holder.query('ROLLBACK');
    }
    const tables = await opener.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [schema]);
    expect(tables.rows.map((r) => r.tablename)).toEqual(['one', 'test_migrations']);
    expect((await opener.query(`SELECT max(version)::int AS v FROM ${target.quoted}.test_migrations`)).rows[0].v).toBe(1);
    for (const lockWaitMs of [0, 2 ** 31]) {
      await expect(migrateVersionedSchema(opener, target, [table(target, 'one')], { lockWaitMs })).rejects.toThrow(`lockWaitMs must be a whole number of ms from 1 to 2147483647, got ${lockWaitMs}`);
    }
  });

  it.each([
    ['read committed', 3],
    ['repeatable read', 4],
  ])('two stores (each its own lock key and version table) opening one new schema at once both succeed (server default: %s)', async (isolation, n) => {
    const schema = `${prefix}_${n}`;
    const store = (versionTable: string, lockKey: string): VersionedSchema => ({ ...targetFor(schema), versionTable, lockKey });
    const [events, readModels] = [store('events_migrations', '1001'), store('read_model_migrations', '1002')];
    for (let round = 0; round < 5; round++) {
      const [a, b] = await Promise.all([connect(), connect()]);
      for (const c of [a, b]) await c.query(`SET default_transaction_isolation = '${isolation}'`);
      await a.query(`DROP SCHEMA IF EXISTS ${events.quoted} CASCADE`);
      await Promise.all([
        migrateVersionedSchema(a, events, [table(events, 'events')]),
        migrateVersionedSchema(b, readModels, [table(readModels, 'person_years')]),
      ]);
      const tables = await a.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [schema]);
      expect(tables.rows.map((r) => r.tablename)).toEqual(['events', 'events_migrations', 'person_years', 'read_model_migrations']);
    }
  });
});
