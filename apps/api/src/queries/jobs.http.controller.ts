import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import type { CommandMetadata } from '@jx/application';
import { notFound } from '@jx/domain';
import { JOB_QUEUE, type JobQueue } from '@jx/jobs';
import { requireRole } from '../http/policies';
import { Meta } from '../http/request-context';
import { id, noQuery, parseWith } from '../http/validation';
import { Endpoint } from '../http/openapi';
import * as responses from '../http/responses';

@Controller('api/jobs/:jobId')
export class JobsController {
  constructor(@Inject(JOB_QUEUE) private readonly jobs: JobQueue) {}

  /** Progress of a long job (an institution-wide fraud flag). */
  @Endpoint('Job progress (an institution-wide fraud flag). The last 10,000 finished jobs at least are kept; an older one answers 404 JOB_NOT_FOUND. A job taken over by another worker (its worker stopped or lost Redis), or retried, runs again from the start; its progress does not go back: while the new run counts the same `total`, `done` shows what earlier attempts reached until the new one passes it (each person-year flagged before holds its flag). `state` says when it is over: `done` may equal `total` while it is still `active`', { response: responses.job, errors: { 400: 'VALIDATION_FAILED (the job id, or any query parameter: it takes none)', 403: 'FORBIDDEN', 404: 'JOB_NOT_FOUND', 503: 'SERVICE_UNAVAILABLE: REDIS_URL is set and Redis did not answer within 5 s' } })
  @Get()
  async job(@Param() params: unknown, @Query() query: unknown, @Meta() meta: CommandMetadata) {
    requireRole(meta.actor, 'authority', 'regulator');
    const { jobId } = parseWith(z.strictObject({ jobId: id }), params);
    parseWith(noQuery, query);
    const job = await this.jobs.getJob(jobId);
    if (job === null) throw notFound('JOB_NOT_FOUND', `job ${jobId} is not known`);
    return { jobId: job.jobId, state: job.state, progress: job.progress };
  }
}
