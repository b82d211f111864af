/**
 * Child process of sqlite-crash.int.spec.ts: appends batches of two events through the real
 * adapter, forever, and prints the last revision of each acknowledged batch. The parent kills it
 * with SIGKILL mid-stream. Run with `node --import tsx append-loop.child.ts <file> <streamId>`.
 */
import { openSqliteEventStore } from '../sqlite/sqlite-event-store.adapter';

async function main(): Promise<void> {
  const [file, streamId] = process.argv.slice(2);
  if (!file || !streamId) throw new Error('usage: append-loop.child.ts <file> <streamId>');
  const store = openSqliteEventStore({ file });
  const metadata = {
    actor: { id: 'crash-test', role: 'unit' },
    correlationId: 'crash',
    causationId: null,
    ruleSetId: 'jx-2023-trial',
    at: '2024-05-06T08:00:00.000Z',
  };
  for (let next = 0; ; next += 2) {
    const batch = [next, next + 1].map((n) => ({ type: 'Ticked', data: { n }, metadata }));
    const { revision } = await store.append(streamId, batch, next - 1);
    // Writes to a pipe are synchronous on Linux: once the line is out, the commit had returned.
    process.stdout.write(`${revision}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
