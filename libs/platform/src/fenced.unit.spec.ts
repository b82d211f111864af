/** The fence is process state: each test loads the module afresh. */
const load = () => require('./fenced') as typeof import('./fenced');
beforeEach(() => jest.resetModules());

it('only read models migrated by newer code fence a process out; other failures are retried as before', () => {
  const { reportIfFenced, whenFenced } = load();
  const heard: unknown[] = [];
  whenFenced((error) => heard.push(error));
  expect(reportIfFenced(new Error('SQLITE_BUSY: database is locked'))).toBe(false);
  expect(reportIfFenced(undefined)).toBe(false);
  expect(heard).toEqual([]);
  const migrated = new (require('@jx/projections') as typeof import('@jx/projections')).ReadModelsMigratedError(7, 6);
  expect(reportIfFenced(migrated)).toBe(true);
  expect(heard).toEqual([migrated]);
});

it('the process is stopped once, however many of its parts meet the fence, and a listener added later still hears of it', () => {
  const { reportIfFenced, whenFenced } = load();
  const Migrated = (require('@jx/projections') as typeof import('@jx/projections')).ReadModelsMigratedError;
  const heard: number[] = [];
  whenFenced((error) => heard.push(error.stored));
  expect(reportIfFenced(new Migrated(7, 6))).toBe(true);
  expect(reportIfFenced(new Migrated(8, 6))).toBe(true);
  expect(heard).toEqual([7]);
  whenFenced((error) => heard.push(error.stored * 10));
  expect(heard).toEqual([7, 70]);
});

it('an error of the same name from elsewhere does not fence: only the read models say so', () => {
  const { reportIfFenced } = load();
  const lookalike = Object.assign(new Error('read models migrated'), { name: 'ReadModelsMigratedError', code: 'READ_MODELS_MIGRATED' });
  expect(reportIfFenced(lookalike)).toBe(false);
});
