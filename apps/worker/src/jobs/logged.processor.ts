/**
 * One log line when a job attempt starts, and one when it completes or fails, with the job's id,
 * name, attempt and duration: an operator sees what the worker does and how long it takes. The
 * ids carry no personal data (a hash for an institution flag, the hour for a sweep); a result is
 * logged only as its counts, an error as its name and message (describeError).
 */
import { Logger } from '@nestjs/common';
import { describeError, reportIfFenced } from '@jx/platform';
import { HOLD_LOST, JobInterruptedError, type JobData, type JobProcessor } from '@jx/jobs';

const logger = new Logger('jobs');

/** Numbers only: `{ flagged: 3 }`, never data. */
function counts(result: unknown): Record<string, number> {
  if (typeof result !== 'object' || result === null) return {};
  return Object.fromEntries(Object.entries(result).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
}

export function logged<D extends JobData>(run: JobProcessor<D>): JobProcessor<D> {
  return async (job) => {
    // The correlation id of the request that asked for the job (its reqId), where it has one.
    const correlation = typeof job.data.correlationId === 'string' ? { correlationId: job.data.correlationId } : {};
    const line = { jobId: job.id, job: job.name, attempt: job.attempt, ...correlation };
    const started = performance.now();
    logger.log(line, 'job started');
    try {
      const result = await run(job);
      const ms = Math.round(performance.now() - started);
      // Its hold lost on the way (a last progress report refused): the queue leaves the job to the
      // attempt that took it over, which records the outcome. (One lost only as it ends shows in
      // the queue's own warning that this worker no longer held the job.)
      if (job.held?.aborted === true) logger.log({ ...line, ms, reason: HOLD_LOST }, 'job interrupted; it runs again');
      else logger.log({ ...line, ms, result: counts(result) }, 'job completed');
      return result;
    } catch (error: unknown) {
      const ms = Math.round(performance.now() - started);
      // The shutdown, or a hold on the job lost while Redis was away (then no attempt failed,
      // whatever the processor threw): the reason says which.
      if (job.held?.aborted === true) logger.log({ ...line, ms, reason: HOLD_LOST }, 'job interrupted; it runs again');
      else if (error instanceof JobInterruptedError) logger.log({ ...line, ms, reason: error.message }, 'job interrupted; it runs again');
      else if (reportIfFenced(error)) logger.error({ ...line, ms, err: describeError(error) }, 'job attempt failed: read models migrated by newer code; this process stops');
      else logger.warn({ ...line, ms, err: describeError(error) }, 'job attempt failed');
      throw error;
    }
  };
}
