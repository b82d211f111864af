import { Logger } from '@nestjs/common';
import { ReadModelsMigratedError } from '@jx/projections';
import { whenFenced } from '@jx/platform';
import { HOLD_LOST, type JobContext } from '@jx/jobs';
import { logged } from './logged.processor';

beforeAll(() => Logger.overrideLogger(false));

const job = (): JobContext<{ year: number }> => ({
  id: 'j1', name: 'institution-fraud-flag', data: { year: 2024 }, attempt: 1, reportProgress: async () => undefined, signal: new AbortController().signal,
});

it('a job attempt that meets read models migrated by newer code fails as before, and the process hears it is fenced out (it stops)', async () => {
  const heard: unknown[] = [];
  whenFenced((error) => heard.push(error));
  await expect(logged(async () => { throw new Error('a store is away'); })(job())).rejects.toThrow('a store is away');
  expect(heard).toEqual([]);
  const migrated = new ReadModelsMigratedError(7, 6);
  await expect(logged(async () => { throw migrated; })(job())).rejects.toBe(migrated);
  expect(heard).toEqual([migrated]);
});

describe('what an operator reads of an attempt', () => {
  /** The messages the jobs logger wrote (its output is what this wrapper is for). */
  function collect(): string[] {
    const lines: string[] = [];
    const keep = (_fields: unknown, message: unknown) => void lines.push(String(message));
    Logger.overrideLogger({ log: keep, warn: keep, error: keep, debug: keep, verbose: keep });
    return lines;
  }
  afterEach(() => Logger.overrideLogger(false));

  it('an attempt that returns is completed', async () => {
    const lines = collect();
    await logged(async () => ({ flagged: 2 }))(job());
    expect(lines).toEqual(['job started', 'job completed']);
  });

  it('one whose hold on the job was lost on the way is interrupted, not completed nor failed: the attempt that took the job over records its outcome', async () => {
    const lines = collect();
    const stopping = new AbortController();
    const held = new AbortController();
    // The shutdown aborted the attempt's signal first; then its last progress report found the job taken over.
    const context = { ...job(), signal: AbortSignal.any([stopping.signal, held.signal]), held: held.signal };
    const result = await logged(async () => {
      stopping.abort('the process is shutting down');
      held.abort(HOLD_LOST);
      return { flagged: 2 };
    })(context);
    expect(result).toEqual({ flagged: 2 });
    await expect(logged(async () => { throw new Error('a store is away'); })(context)).rejects.toThrow('a store is away');
    expect(lines).toEqual(['job started', 'job interrupted; it runs again', 'job started', 'job interrupted; it runs again']);
  });
});
