import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { verifyChain } from '../hash-chain';
import { openSqliteEventStore } from './sqlite-event-store.adapter';

const REPO_ROOT = resolve(__dirname, '../../../..');
const CHILD = resolve(__dirname, '../testing/append-loop.child.ts');

/** A child process appending through the real adapter; see testing/append-loop.child.ts. */
class Appender {
  /** Last revision of every batch the child acknowledged, in order. */
  readonly acknowledged: number[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  private stderr = '';

  constructor(file: string, streamId: string) {
    this.child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, streamId], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.acknowledged.push(Number(line));
      this.waiters = this.waiters.filter((w) => (this.acknowledged.length >= w.count ? (w.resolve(), false) : true));
    });
    this.exited = new Promise((resolveExit) => this.child.on('exit', () => resolveExit()));
  }

  /** Resolves once `count` batches were acknowledged; rejects if the child dies first. */
  reached(count: number): Promise<void> {
    if (this.acknowledged.length >= count) return Promise.resolve();
    const reached = new Promise<void>((resolveReached) => this.waiters.push({ count, resolve: resolveReached }));
    const died = this.exited.then(() => {
      throw new Error(`appender exited after ${this.acknowledged.length} acks: ${this.stderr}`);
    });
    return Promise.race([reached, died]);
  }

  /** SIGKILL: no exit handlers, no flush, no checkpoint. Returns the acknowledgements seen. */
  async kill(): Promise<number[]> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
    expect(this.child.signalCode).toBe('SIGKILL');
    return [...this.acknowledged];
  }
}

describe('SqliteEventStore durability', () => {
  let dir: string;
  let file: string;
  let appenders: Appender[] = [];
  const start = (streamId: string): Appender => {
    const appender = new Appender(file, streamId);
    appenders.push(appender);
    return appender;
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jx-crash-'));
    file = join(dir, 'events.db');
  });
  afterEach(async () => {
    // Kills children left by a test that failed half-way.
    await Promise.all(appenders.map((a) => a.kill().catch(() => undefined)));
    appenders = [];
    await rm(dir, { recursive: true, force: true });
  });

  /** Every acknowledged revision is in the file, no batch of two is half there, the chain holds. */
  async function expectIntact(streamId: string, acknowledged: readonly number[]): Promise<number> {
    const store = openSqliteEventStore({ file });
    try {
      const events = await store.readStream(streamId);
      expect(events.length).toBeGreaterThan(acknowledged[acknowledged.length - 1]!);
      expect(events.length % 2).toBe(0);
      expect(events.map((e) => e.data['n'])).toEqual(events.map((e) => e.revision));
      expect(await verifyChain(store)).toMatchObject({ ok: true, broken: [] });
      return events.length;
    } finally {
      await store.close();
    }
  }

  it('keeps every acknowledged append, whole, when the writer is killed with SIGKILL (synchronous=NORMAL)', async () => {
    const appender = start('crash-1');
    await appender.reached(300);
    const acknowledged = await appender.kill();
    const length = await expectIntact('crash-1', acknowledged);
    // The store carries on from where the killed writer stopped.
    const store = openSqliteEventStore({ file });
    try {
      const meta = { actor: { id: 'after', role: 'unit' }, correlationId: 'c', causationId: null, ruleSetId: 'r', at: '2024-05-06T08:00:00.000Z' };
      await expect(store.append('crash-1', [{ type: 'After', data: {}, metadata: meta }], length - 1)).resolves.toMatchObject({ revision: length });
    } finally {
      await store.close();
    }
  }, 60_000);

  it('two processes appending to one file at once both get through (busy_timeout), and survive SIGKILL', async () => {
    const [a, b] = [start('crash-a'), start('crash-b')];
    // Neither is killed before both have written 300 batches: they ran side by side.
    await Promise.all([a.reached(300), b.reached(300)]);
    const [ackA, ackB] = await Promise.all([a.kill(), b.kill()]);
    await expectIntact('crash-a', ackA);
    await expectIntact('crash-b', ackB);
  }, 60_000);
});
