import { DependencyWatch, type DependencyUnansweredError } from './dependency-watch';

/**
 * The check is a function this test answers by hand: each call waits for the test to resolve or
 * reject it (or to leave it unanswered), so every step is awaited, never slept.
 */
function harness(timeoutMs = 20) {
  const calls: Array<{ answer: () => void; fail: (error: Error) => void }> = [];
  const callWaiters: Array<() => void> = [];
  const reports: Array<string> = [];
  const reportWaiters: Array<() => void> = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const report = (line: string) => {
    reports.push(line);
    for (const wake of reportWaiters.splice(0)) wake();
  };
  const watch = new DependencyWatch({
    name: 'Redis',
    everyMs: 1,
    timeoutMs,
    consequence: 'the job processors wait for it',
    check: () =>
      new Promise<void>((resolve, reject) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        const settle = <T>(f: (v: T) => void) => (v: T) => {
          inFlight -= 1;
          f(v);
        };
        calls.push({ answer: settle(resolve), fail: settle(reject) });
        for (const wake of callWaiters.splice(0)) wake();
      }),
    onFailure: (error: DependencyUnansweredError) => report(`${error.name}: ${error.message}`),
    onRecovered: () => report('recovered'),
  });
  return {
    watch,
    reports,
    get mostInFlight() {
      return mostInFlight;
    },
    /** The n-th check (from 1), once the watch has made it. */
    async call(n: number) {
      while (calls.length < n) await new Promise<void>((resolve) => callWaiters.push(resolve));
      return calls[n - 1]!;
    },
    async reported(count: number) {
      while (reports.length < count) await new Promise<void>((resolve) => reportWaiters.push(resolve));
      return reports.slice(0, count);
    },
  };
}

describe('DependencyWatch: a dependency that falls silent with its connection open is reported, and its answer after', () => {
  it('a check unanswered within its time is reported with the dependency, the time and what waits for it', async () => {
    const h = harness(20);
    h.watch.start();
    await h.call(1); // never answered
    expect(await h.reported(1)).toEqual(['DependencyUnanswered: Redis did not answer a check within 20 ms (no answer): the job processors wait for it']);
    h.watch.stop();
  });

  it('a check that fails is reported with its reason', async () => {
    const h = harness(1000);
    h.watch.start();
    (await h.call(1)).fail(new Error('Connection is closed.'));
    expect(await h.reported(1)).toEqual(['DependencyUnanswered: Redis did not answer a check within 1000 ms (Connection is closed.): the job processors wait for it']);
    h.watch.stop();
  });

  it('answers report nothing until a failure; the first answer after failures reports the recovery, once', async () => {
    const h = harness(1000);
    h.watch.start();
    (await h.call(1)).answer();
    (await h.call(2)).answer();
    (await h.call(3)).fail(new Error('Command timed out'));
    (await h.call(4)).fail(new Error('Command timed out'));
    (await h.call(5)).answer();
    (await h.call(6)).answer();
    (await h.call(7)).fail(new Error('Command timed out'));
    await h.reported(4);
    h.watch.stop();
    expect(h.reports).toEqual([
      expect.stringContaining('(Command timed out)'),
      expect.stringContaining('(Command timed out)'),
      'recovered',
      expect.stringContaining('(Command timed out)'),
    ]);
  });

  it('checks one at a time: the next starts only once the last was answered', async () => {
    const h = harness(1000);
    h.watch.start();
    for (let n = 1; n <= 3; n += 1) {
      const check = await h.call(n);
      // Held unanswered over many of the watch's periods (1 ms): a watch on a plain interval would start more.
      await new Promise((resolve) => setTimeout(resolve, 10));
      check.answer();
    }
    h.watch.stop();
    expect(h.mostInFlight).toBe(1);
    expect(h.reports).toEqual([]);
  });

  it('once stopped, a check under way reports nothing, and no other starts', async () => {
    const h = harness(1000);
    h.watch.start();
    const first = await h.call(1);
    h.watch.stop();
    first.fail(new Error('Connection is closed.'));
    // Let its settlement run through: a report, had there been one, comes on the next turns.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.reports).toEqual([]);
  });
});
