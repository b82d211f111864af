import { heldBackDelay } from './bullmq-job-queue.adapter';

describe('heldBackDelay: a job held back again stays away longer, so a backlog behind a long job does not cycle through the queue', () => {
  it('doubles from heldBackMs each time the same job is held back, up to 16 times it', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((heldBefore) => heldBackDelay(500, heldBefore))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });
});
