import { PassThrough } from 'node:stream';
import pino from 'pino';
import { logProcessWarnings } from './process-warnings';

describe('process warnings as JSON log lines', () => {
  it('logs a warning (a pool\'s lost connection) as one JSON line, and Node no longer prints it', async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const nodePrinters = process.listeners('warning').length;
    const undo = logProcessWarnings(pino({ level: 'warn' }, out));
    try {
      expect(process.listeners('warning')).toHaveLength(1);
      // What process.emitWarning emits (Jest's sandboxed process object does not receive the real one's).
      const warning = Object.assign(new Error('idle connection lost: Connection terminated unexpectedly'), { name: 'EventStorePoolError' });
      process.emit('warning', warning);
      await new Promise((resolve) => setImmediate(resolve));
      expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
        expect.objectContaining({ level: 40, context: 'process', warning: 'EventStorePoolError', msg: 'process warning', err: expect.objectContaining({ name: 'EventStorePoolError', message: 'idle connection lost: Connection terminated unexpectedly' }) }),
      ]);
    } finally {
      undo();
    }
    expect(process.listeners('warning')).toHaveLength(nodePrinters);
  });
});
