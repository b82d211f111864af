/** How a BullMQ job reads through the port (`GET /api/jobs/{jobId}`). */
import type { Job, JobState as BullMqJobState } from 'bullmq';
import type { JobData, JobProgress, JobState, JobView } from '../job-queue.port';
import { fromBullMqJobId } from './bullmq-job-ids';

export type BullMqJob = Job<JobData, unknown, string>;

/** null for `unknown`: the job left every list between two reads (removed). */
export function toJobState(state: BullMqJobState | 'unknown'): JobState | null {
  switch (state) {
    case 'active':
    case 'completed':
    case 'failed':
      return state;
    // Not started yet, or waiting out a retry's back-off (`delayed`): all "waiting" to a client.
    case 'waiting':
    case 'delayed':
    case 'prioritized':
    case 'waiting-children':
      return 'waiting';
    case 'unknown':
      return null;
  }
}

/** What `job.updateProgress({ done, total })` stored; BullMQ's initial progress is the number 0. */
export function toJobProgress(progress: unknown): JobProgress {
  if (typeof progress === 'object' && progress !== null) {
    const { done, total } = progress as Partial<Record<keyof JobProgress, unknown>>;
    if (typeof done === 'number' && typeof total === 'number') return { done, total };
  }
  return { done: 0, total: 0 };
}

export function toJobView(job: BullMqJob, state: JobState): JobView {
  const view: JobView = {
    jobId: fromBullMqJobId(job.id!),
    name: job.name,
    state,
    progress: toJobProgress(job.progress),
    // BullMQ counts attempts once they end; the port counts them once they start.
    attemptsMade: state === 'active' ? job.attemptsMade + 1 : job.attemptsMade,
  };
  if (state === 'completed') view.result = job.returnvalue;
  // BullMQ keeps the last failure's reason after a retry succeeds; the port drops it then.
  else if (job.failedReason) view.error = job.failedReason;
  return view;
}

/** A job scheduler's next run, added ahead of its time: a timer, not work waiting to be done. */
export function isFutureScheduledRun(job: BullMqJob): boolean {
  return job.repeatJobKey !== undefined && job.attemptsStarted === 0;
}

/**
 * Taken by a worker and put aside (`delayed`) without running — it had no processor for its name,
 * or no free slot of it (held back) — for a worker that can run it: it was started more often than
 * it ended, which a retry's back-off never is.
 */
export function isSetAside(job: BullMqJob): boolean {
  return job.attemptsStarted > job.attemptsMade;
}
