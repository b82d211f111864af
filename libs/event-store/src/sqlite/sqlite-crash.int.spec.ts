import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { verifyChain } from '../hash-chain';
import { openSqliteEventStore } from './sqlite-event-store.adapter';

const REPO_ROOT = resolve(__dirname, '../../../..');
const CHILD = resolve(__dirname, '../testing/append-loop.child.ts');
const ACKS_BEFORE_KILL = 300;

/** The child of the running test, killed in afterEach should the test fail before it does. */
let running: ChildProcess | undefined;

/** Starts the appending child and SIGKILLs it once it has acknowledged `acks` batches. */
function runAndKill(file: string, streamId: string, acks: number): Promise<number[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, streamId], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running = child;
    const acknowledged: number[] = [];
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (killed) return;
      acknowledged.push(Number(line));
      if (acknowledged.length >= acks) {
        killed = child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL' && killed) resolvePromise(acknowledged);
      else reject(new Error(`child ended on its own (${String(signal)}): ${stderr}`));
    });
  });
}

describe('SqliteEventStore durability', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jx-crash-'));
  });
  afterEach(async () => {
    if (running && running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
    running = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged append, whole, when the writer is killed with SIGKILL (synchronous=NORMAL)', async () => {
    const file = join(dir, 'events.db');
    const streamId = 'crash-1';
    const acknowledged = await runAndKill(file, streamId, ACKS_BEFORE_KILL);
    expect(acknowledged).toHaveLength(ACKS_BEFORE_KILL);
    const lastAck = acknowledged[acknowledged.length - 1]!;

    const store = openSqliteEventStore({ file });
    try {
      const events = await store.readStream(streamId);
      expect(events.length).toBeGreaterThan(lastAck); // every acknowledged revision is there
      expect(events.length % 2).toBe(0); // and no batch was half written
      expect(events.map((e) => e.data['n'])).toEqual(events.map((e) => e.revision));
      expect(await verifyChain(store)).toMatchObject({ ok: true, broken: [] });
      // The store carries on from where the killed writer stopped.
      const next = await store.append(streamId, events.slice(0, 1).map((e) => ({ type: 'After', data: {}, metadata: e.metadata })), events.length - 1);
      expect(next.revision).toBe(events.length);
    } finally {
      await store.close();
    }
  }, 60_000);
});
