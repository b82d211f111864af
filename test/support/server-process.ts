/**
 * The real server as a child process (`node dist/apps/api/src/main.js`), for the tests that kill
 * it. Start-up is awaited on its "listening" line, never on a timer.
 */
import { existsSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** The e2e project's global setup builds the apps once (test/support/global-setup.js). */
export function requireBuild(): void {
  if (!existsSync(join(ROOT, 'dist/apps/api/src/main.js'))) throw new Error('dist/ is missing: the e2e global setup should have built it');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  exited: Promise<number | null>;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves once it has printed `text` (stdout or stderr). */
  printed(text: string): Promise<void>;
}

export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  return startProcess([process.execPath, 'dist/apps/api/src/main.js'], { ...env, PORT: String(port), HOST: '127.0.0.1' }, 'listening on', `http://127.0.0.1:${port}`);
}

/**
 * `npm start` itself, as a newcomer or a supervisor runs it: npm, its shell, then node — without
 * its `prestart` build, which would rewrite dist/ under the other e2e files' processes.
 */
export async function startWithNpm(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  // A process group of its own, so a test can end whatever npm leaves behind (killGroup).
  return startProcess(['npm', 'start', '--ignore-scripts'], { ...env, PORT: String(port), HOST: '127.0.0.1' }, 'listening on', `http://127.0.0.1:${port}`, true);
}

/** Ends a process started in a group of its own and everything it started, wherever they were reparented. */
export function killGroup(server: ServerProcess): void {
  try {
    process.kill(-server.child.pid!, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

/** The worker alone (`npm run start:worker`): projections and job processors, no HTTP. */
export function startWorker(env: Record<string, string>): Promise<ServerProcess> {
  return startProcess([process.execPath, 'dist/apps/worker/src/main.js'], env, 'worker ready', '');
}

async function startProcess([command, ...args]: [string, ...string[]], env: Record<string, string>, readyLine: string, baseUrl: string, detached = false): Promise<ServerProcess> {
  const child = spawn(command, args, {
    detached,
    cwd: ROOT,
    // The embedded default unless the test names the servers: CI exports DATABASE_URL and
    // REDIS_URL for the adapter suites, which would otherwise switch these processes over.
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const waiting: Array<() => void> = [];
  const printed = async (text: string): Promise<void> => {
    while (!output.includes(text)) await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const wake of waiting.splice(0)) wake();
  };
  child.stderr!.on('data', append);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      append(chunk);
      if (output.includes(readyLine)) resolve();
    });
    // Keep reading after start-up so the child never blocks on a full pipe.
    exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  return { child, baseUrl, exited, output: () => output, printed };
}
