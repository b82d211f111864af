import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const CHILD = resolve(__dirname, 'testing/log-then-die.child.ts');

it('every line logged while shutting down reaches stdout before the process ends on its re-raised stop signal (nothing left in a buffer)', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, '2000'], { cwd: resolve(__dirname, '../../..'), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const signal = await new Promise<NodeJS.Signals | null>((done) => child.once('close', (_code, sig) => done(sig)));
  expect({ signal, err }).toEqual({ signal: 'SIGTERM', err: expect.stringMatching(/^SIGTERM: shutting down .*\n$/) });
  const lines = out.split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as { i: number });
  expect(lines.map((line) => line.i)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
}, 30_000);
