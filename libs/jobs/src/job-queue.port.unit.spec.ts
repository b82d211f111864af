import { progressAfter } from './job-queue.port';

describe('progressAfter: a job run again shows no less done than earlier attempts reached of the same work', () => {
  it.each([
    { earlier: { done: 0, total: 0 }, report: [3, 10], shown: { done: 3, total: 10 }, rule: 'a first attempt shows what it reports' },
    { earlier: { done: 5, total: 10 }, report: [0, 10], shown: { done: 5, total: 10 }, rule: 'a new attempt counts what the earlier did' },
    { earlier: { done: 5, total: 10 }, report: [8, 10], shown: { done: 8, total: 10 }, rule: 'until it passes it' },
    { earlier: { done: 9, total: 10 }, report: [1, 4], shown: { done: 1, total: 4 }, rule: 'another total is other work, shown as reported' },
  ])('$rule', ({ earlier, report, shown }) => {
    expect(progressAfter(earlier, report[0]!, report[1]!)).toEqual(shown);
  });
});
