import { Logger } from '@nestjs/common';
import { ReadModelsMigratedError } from '@jx/projections';
import { whenFenced } from '@jx/platform';
import type { JobContext } from '@jx/jobs';
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
