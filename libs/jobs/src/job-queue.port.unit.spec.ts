import { progressAfter } from './job-queue.port';

describe('progressAfter: a job run again never shows less done than earlier attempts recorded', () => {
  it.each([
    { earlier: { done: 0, total: 0 }, report: [3, 10], shown: { done: 3, total: 10 }, rule: 'a first attempt shows what it reports' },
    { earlier: { done: 5, total: 10 }, report: [0, 10], shown: { done: 5, total: 10 }, rule: 'a new attempt counts what the earlier did' },
    { earlier: { done: 5, total: 10 }, report: [8, 12], shown: { done: 8, total: 12 }, rule: 'until it passes it' },
    { earlier: { done: 9, total: 10 }, report: [1, 4], shown: { done: 4, total: 4 }, rule: 'never above its own total' },
  ])('$rule', ({ earlier, report, shown }) => {
    expect(progressAfter(earlier, report[0]!, report[1]!)).toEqual(shown);
  });
});
