import { logRepeatedFailures, type RepeatedFailureLog } from './repeated-failures';

describe('logRepeatedFailures: a failure reported on every retry is logged once per window, with how many were left out', () => {
  let clock = 0;
  let lines: Array<{ err: { name: string; message: string }; repeated?: number; stopped?: true }>;
  let report: RepeatedFailureLog;
  beforeEach(() => {
    clock = 0;
    lines = [];
    report = logRepeatedFailures((fields) => lines.push(fields), { windowMs: 30_000, now: () => clock });
  });

  it('the first is logged at once; the same again within the window is counted, not logged; the next after it says how many', () => {
    const away = () => new Error('connect ECONNREFUSED 127.0.0.1:6379');
    report(away());
    for (clock = 250; clock < 30_000; clock += 250) report(away());
    expect(lines).toEqual([{ err: { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:6379' } }]);
    clock = 30_000;
    report(away());
    expect(lines[1]).toEqual({ err: { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:6379' }, repeated: 119 });
  });

  it('another kind of failure is logged at once, whatever was logged just before', () => {
    report(new Error('connect ECONNREFUSED'));
    clock = 10;
    report(new TypeError('connect ECONNREFUSED'));
    report(new Error('the database system is shutting down'));
    expect(lines.map((l) => `${l.err.name}: ${l.err.message}`)).toEqual(['Error: connect ECONNREFUSED', 'TypeError: connect ECONNREFUSED', 'Error: the database system is shutting down']);
  });

  it('once the failures stop, says so for each kind logged, with how many were left out since its last line, and starts afresh', () => {
    report(new Error('connect ECONNREFUSED'));
    clock = 100;
    report(new Error('connect ECONNREFUSED'));
    report(new Error('connect ECONNREFUSED'));
    report(new TypeError('bad page'));
    report.recovered();
    expect(lines.slice(2)).toEqual([
      { err: { name: 'Error', message: 'connect ECONNREFUSED' }, repeated: 2, stopped: true },
      { err: { name: 'TypeError', message: 'bad page' }, stopped: true },
    ]);
    report.recovered();
    expect(lines).toHaveLength(4);
    report(new Error('connect ECONNREFUSED'));
    expect(lines[4]).toEqual({ err: { name: 'Error', message: 'connect ECONNREFUSED' } });
  });

  it('keeps the personal data out as every log line does (the message is redacted)', () => {
    report(new Error('stream creditYear-p42+2024 is locked'));
    expect(lines[0]!.err.message).toBe('stream creditYear-<person>+2024 is locked');
  });
});
