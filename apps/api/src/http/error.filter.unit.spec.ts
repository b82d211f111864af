import { DomainError, UnknownEventTypeError } from '@jx/domain';
import { ConcurrencyConflictError, EventStoreClosedError } from '@jx/event-store';
import { JobQueueClosedError, JobQueueFullError } from '@jx/jobs';
import { ReadModelsMigratedError } from '@jx/projections';
import { sqliteFullError } from '../../../../libs/platform/src/testing/sqlite-full';
import type { ArgumentsHost } from '@nestjs/common';
import { ErrorFilter, toErrorResponse } from './error.filter';
import { HttpError } from './http-error';

describe('the error format (API.md, Errors)', () => {
  it('a domain refusal maps by kind, with code, message and article', () => {
    expect(toErrorResponse(new DomainError('conflict', 'YEAR_VOIDED', 'voided', '14'))).toEqual({ status: 409, body: { code: 'YEAR_VOIDED', message: 'voided', article: '14' } });
    expect(toErrorResponse(new DomainError('unprocessable', 'OUTSIDE_YEAR', 'm')).status).toBe(422);
    expect(toErrorResponse(new DomainError('not_found', 'ACTIVITY_NOT_FOUND', 'm')).status).toBe(404);
  });

  it('a revision conflict that outlived every retry is 409 CONCURRENCY_CONFLICT', () => {
    expect(toErrorResponse(new ConcurrencyConflictError('creditYear-p1+2024', 5))).toEqual({ status: 409, body: { code: 'CONCURRENCY_CONFLICT', message: expect.any(String) } });
  });

  it('a store or job queue already closed (a request caught by shutdown) is 503 SERVICE_UNAVAILABLE', () => {
    for (const closed of [new EventStoreClosedError(), new JobQueueClosedError()]) {
      expect(toErrorResponse(closed)).toEqual({ status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('shutting down') } });
    }
  });

  it('read models that newer code migrated under this process are 503 SERVICE_UNAVAILABLE: the newer processes answer', () => {
    expect(toErrorResponse(new ReadModelsMigratedError(6, 5))).toEqual({ status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('older than its read models') } });
  });

  it('a stream holding an event type this release does not know is 503 SERVICE_UNAVAILABLE (a newer release wrote it: the newer processes answer), its person left out', () => {
    const answer = toErrorResponse(new UnknownEventTypeError('YearArchived', 3, 'creditYear-p1+2024'));
    expect(answer).toEqual({ status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('a newer release wrote it') } });
    expect(JSON.stringify(answer)).not.toContain('p1');
  });

  it('a store that does not answer (refused, lost, timed out, shutting down) is 503 SERVICE_UNAVAILABLE, not 500', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    for (const outage of [refused, new Error('Connection terminated unexpectedly'), Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })]) {
      expect(toErrorResponse(outage)).toEqual({ status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'a store is not answering; try again shortly' } });
    }
    expect(toErrorResponse(Object.assign(new Error('syntax error'), { code: '42601' })).status).toBe(500);
  });

  it('an outage logs one warning of each kind per window, not one per request (each request keeps its request line): the first with its reqId, the next with how many were left out', () => {
    jest.useFakeTimers({ now: 0 });
    const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
    const collect = (level: string) => (fields: Record<string, unknown>, message: string) => void lines.push({ level, fields, message });
    const filter = new ErrorFilter(undefined, undefined, { warn: collect('warn'), error: collect('error') } as never);
    const answered: number[] = [];
    const fail = (exception: unknown, reqId: string) => {
      const reply = { status: (code: number) => ({ send: () => void answered.push(code) }), header: () => reply };
      const host = { switchToHttp: () => ({ getRequest: () => ({ id: reqId, routeOptions: { url: '/x' } }), getResponse: () => reply }) } as unknown as ArgumentsHost;
      filter.catch(exception, host);
    };
    try {
      const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      for (let i = 0; i < 500; i++) fail(refused(), `r${i}`);
      fail(new EventStoreClosedError(), 'closing');
      expect(answered).toEqual(Array(501).fill(503));
      expect(lines).toEqual([
        { level: 'warn', fields: { reqId: 'r0', err: { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:5432' } }, message: 'store unavailable' },
        { level: 'warn', fields: { reqId: 'closing', err: expect.objectContaining({ name: 'EventStoreClosedError' }) }, message: 'service unavailable' },
      ]);
      jest.setSystemTime(10_000);
      fail(refused(), 'later');
      expect(lines[2]).toEqual({ level: 'warn', fields: { reqId: 'later', err: expect.anything(), repeated: 499 }, message: 'store unavailable' });
      // A full disk too, though at level error: an operator must free space.
      for (let i = 0; i < 50; i++) fail(Object.assign(new Error('could not extend file'), { code: '53100' }), `f${i}`);
      expect(lines.slice(3).map((l) => [l.level, l.message, l.fields.reqId])).toEqual([['error', 'store out of disk space', 'f0']]);
      lines.splice(3);
      // Not an outage: every one is logged, as an error.
      fail(new Error('boom'), 'b1');
      fail(new Error('boom'), 'b2');
      expect(lines.slice(3).map((l) => [l.level, l.message, l.fields.reqId])).toEqual([['error', 'unhandled error', 'b1'], ['error', 'unhandled error', 'b2']]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a store with no room for the write (SQLite full, PostgreSQL disk_full) is 503 SERVICE_UNAVAILABLE saying so, not 500', () => {
    const noSpace = Object.assign(new Error('could not extend file'), { code: '53100' });
    for (const full of [sqliteFullError(), noSpace]) {
      expect(toErrorResponse(full)).toEqual({ status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'a store is out of disk space: nothing of this request was written; try again later' } });
    }
  });

  it('a job queue whose Redis is at its maxmemory is 503 SERVICE_UNAVAILABLE saying so, not 500', () => {
    expect(toErrorResponse(new JobQueueFullError('enqueue'))).toEqual({ status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'the job queue is out of memory: try again later' } });
  });

  it('edge errors keep their status, code, message and article, and nothing else (API.md\'s error members only); anything unexpected is a bare 500', () => {
    expect(toErrorResponse(new HttpError(400, 'VALIDATION_FAILED', 'f: r', '8'))).toEqual({ status: 400, body: { code: 'VALIDATION_FAILED', message: 'f: r', article: '8' } });
    expect(toErrorResponse(new Error('secret detail'))).toEqual({ status: 500, body: { code: 'INTERNAL', message: 'internal error' } });
  });
});
