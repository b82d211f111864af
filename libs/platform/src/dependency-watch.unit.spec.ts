import { DependencyWatch } from './dependency-watch';

const EVERY_MS = 5000;
const TIMEOUT_MS = 2000;

/**
 * The check is a function this test answers by hand (each call waits to be answered, refused or
 * left unanswered), on Jest's fake clock: every step is the clock moved, never a wait.
 */
function harness() {
  const calls: Array<{ answer: () => void; fail: (error: Error) => void }> = [];
  const reports: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const watch = new DependencyWatch({
    name: 'Redis',
    everyMs: EVERY_MS,
    timeoutMs: TIMEOUT_MS,
    consequence: 'the job processors wait for it',
    isTimeout: (error) => error instanceof Error && error.message === 'Command timed out',
    check: () =>
      new Promise<void>((resolve, reject) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        const settle = <T>(f: (v: T) => void) => (v: T) => {
          inFlight -= 1;
          f(v);
        };
        calls.push({ answer: settle(resolve), fail: settle(reject) });
      }),
    onSilent: (error) => reports.push(`${error.name}: ${error.message}`),
    onAnswered: () => reports.push('answered'),
    onFirstAnswer: () => reports.push('first answer'),
  });
  return {
    watch,
    calls,
    reports,
    mostInFlight: () => mostInFlight,
    /** Moves the clock, running what falls due (and the promises they settle). */
    advance: (ms: number) => jest.advanceTimersByTimeAsync(ms),
    /** The check made now: the clock moved to it. */
    async nextCall() {
      const before = calls.length;
      await jest.advanceTimersByTimeAsync(EVERY_MS);
      expect(calls).toHaveLength(before + 1);
      return calls[before]!;
    },
  };
}

const SILENT = `DependencyUnanswered: Redis did not answer a check within ${TIMEOUT_MS} ms: the job processors wait for it`;

describe('DependencyWatch: a dependency that falls silent with its connection open is reported, and its answer after', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('checks every period, no sooner: the first answer says the watch is under way, answers after it say nothing', async () => {
    const h = harness();
    h.watch.start();
    await h.advance(EVERY_MS - 1);
    expect(h.calls).toHaveLength(0);
    await h.advance(1);
    expect(h.calls).toHaveLength(1);
    h.calls[0]!.answer();
    await h.advance(EVERY_MS - 1);
    expect(h.calls).toHaveLength(1);
    await h.advance(1);
    h.calls[1]!.answer();
    await h.advance(0);
    expect(h.reports).toEqual(['first answer']);
    h.watch.stop();
  });

  it('a check left unanswered for its time is reported, naming the dependency, the time and what waits for it', async () => {
    const h = harness();
    h.watch.start();
    await h.nextCall(); // never answered
    await h.advance(TIMEOUT_MS - 1);
    expect(h.reports).toEqual([]);
    await h.advance(1);
    expect(h.reports).toEqual([SILENT]);
    h.watch.stop();
  });

  it("the client's own command timeout is a silence too; a check refused at once (no connection) reports nothing and ends nothing", async () => {
    const h = harness();
    h.watch.start();
    (await h.nextCall()).fail(new Error('Command timed out'));
    (await h.nextCall()).fail(new Error("Stream isn't writeable and enableOfflineQueue options is false"));
    (await h.nextCall()).fail(new Error('Connection is closed.'));
    await h.advance(0);
    expect(h.reports).toEqual([SILENT]);
    (await h.nextCall()).answer();
    await h.advance(0);
    expect(h.reports).toEqual([SILENT, 'answered', 'first answer']);
    h.watch.stop();
  });

  it('the first answer after silences reports it, once; a later silence is reported again', async () => {
    const h = harness();
    h.watch.start();
    (await h.nextCall()).answer();
    (await h.nextCall()).fail(new Error('Command timed out'));
    (await h.nextCall()).fail(new Error('Command timed out'));
    (await h.nextCall()).answer();
    (await h.nextCall()).answer();
    (await h.nextCall()).fail(new Error('Command timed out'));
    await h.advance(0);
    expect(h.reports).toEqual(['first answer', SILENT, SILENT, 'answered', SILENT]);
    h.watch.stop();
  });

  it('checks one at a time: the next is made a period after the last was answered or given up', async () => {
    const h = harness();
    h.watch.start();
    const first = await h.nextCall();
    await h.advance(TIMEOUT_MS + EVERY_MS - 1); // given up after 2 s; the next is due 5 s after that
    expect(h.calls).toHaveLength(1);
    await h.advance(1);
    expect(h.calls).toHaveLength(2);
    first.answer();
    h.calls[1]!.answer();
    await h.advance(EVERY_MS);
    expect(h.calls).toHaveLength(3);
    h.calls[2]!.answer();
    h.watch.stop();
    // Only a check given up is ever still open when the next is made.
    expect(h.mostInFlight()).toBe(2);
  });

  it('stopped between checks: no other is made', async () => {
    const h = harness();
    h.watch.start();
    (await h.nextCall()).answer();
    await h.advance(1);
    h.watch.stop();
    await h.advance(EVERY_MS * 10);
    expect(h.calls).toHaveLength(1);
  });

  it('stopped during a check: it reports nothing when it fails or times out, and no other is made', async () => {
    const h = harness();
    h.watch.start();
    const open = await h.nextCall();
    h.watch.stop();
    await h.advance(EVERY_MS * 10);
    open.fail(new Error('Command timed out'));
    await h.advance(EVERY_MS * 10);
    expect([h.calls.length, h.reports]).toEqual([1, []]);
  });
});

it('DependencyWatch never keeps a process alive: its timer is not counted among the active handles', () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timers();
  const watch = harness().watch;
  watch.start();
  const during = timers();
  watch.stop();
  expect(during).toBe(before);
});
