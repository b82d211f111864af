import { describeJobQueueContract } from '../testing/job-queue.contract';
import { InProcessJobQueue } from './in-process-job-queue.adapter';

// Real timers (the contract runs schedules and back-offs for real), with a back-off of 1 ms.
describeJobQueueContract('in-process', async () => {
  const queue = new InProcessJobQueue({ backoffMs: () => 1 });
  return { queue, cleanup: () => queue.close() };
});
