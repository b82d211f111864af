import { toJobProgress, toJobState } from './bullmq-job-view';

describe('BullMQ job views', () => {
  it('reads every BullMQ state as one of the port’s four', () => {
    expect(toJobState('waiting')).toBe('waiting');
    expect(toJobState('delayed')).toBe('waiting');
    expect(toJobState('prioritized')).toBe('waiting');
    expect(toJobState('waiting-children')).toBe('waiting');
    expect(toJobState('active')).toBe('active');
    expect(toJobState('completed')).toBe('completed');
    expect(toJobState('failed')).toBe('failed');
    expect(toJobState('unknown')).toBeNull();
  });

  it('reads progress stored as {done, total}, and anything else as none yet', () => {
    expect(toJobProgress({ done: 2, total: 5 })).toEqual({ done: 2, total: 5 });
    expect(toJobProgress(0)).toEqual({ done: 0, total: 0 });
    expect(toJobProgress({ done: '2', total: 5 })).toEqual({ done: 0, total: 0 });
    expect(toJobProgress(null)).toEqual({ done: 0, total: 0 });
  });
});
