/**
 * The BullMQ adapter's connections to Redis: how the queue's own fails fast, how each is closed
 * whether or not Redis is there, and how a lost connection is recognised.
 */
import { ErrorCode, type ConnectionOptions, type Queue, type QueueEvents } from 'bullmq';

/**
 * The queue's own connection (enqueue, getJob, schedules) fails fast while Redis is away, instead
 * of holding the command in ioredis's offline queue: a command that answered 503 must not run
 * when Redis comes back (an institution-wide flag the caller was told had failed). BullMQ
 * recommends it for producers. Nor are commands that were sent but unanswered when the connection
 * dropped sent again on reconnecting (ioredis's default): their callers were answered 503 already.
 * Such a command may still have run on the server: a retry finds its job (a deterministic id).
 */
export const FAIL_FAST = { enableOfflineQueue: false, autoResendUnfulfilledCommands: false } as const;

/**
 * How long ioredis waits for a socket it ends to close before destroying it (its default: 2 s).
 * A connection dropped while Redis is away (closeOrDisconnect) has a socket that closed already,
 * whose 'close' never comes again: ioredis's timer then ran its full 2 s, keeping a process that had
 * closed everything alive that long (Jest: "did not exit one second after the test run"). A live
 * socket we end is one we are done with: 250 ms is ample for its close.
 */
export const QUICK_END = { disconnectTimeout: 250 } as const;

/**
 * How long ioredis waits before its next attempt to reconnect while Redis is away: 100 ms more
 * each attempt, at most 1 s. BullMQ's own schedule (e^attempts ms, at least 1 s) grows to 20 s
 * after about ten attempts, so after an outage of a quarter of a minute Redis was back up to
 * 20 s before the API could enqueue again (an institution flag answered 503 while health, on a
 * connection of its own, said Redis was up) and before workers took jobs again. One connection
 * attempt a second per connection is nothing to a Redis coming back.
 */
export function reconnectDelay(attempts: number): number {
  return Math.min(attempts * 100, 1000);
}

/**
 * The options of the queue's own connection, from the caller's (a URL, host and port…): it fails
 * fast (FAIL_FAST), ends quickly (QUICK_END) and reconnects within a second (reconnectDelay,
 * unless the caller chose a retryStrategy). Workers' connections are made from the same options
 * (BullMqJobQueue's sharedOptions), so they come back as soon.
 */
export function queueConnection<T extends object>(connection: T) {
  return { retryStrategy: reconnectDelay, ...connection, ...FAIL_FAST, ...QUICK_END };
}

/**
 * Closes a Queue or QueueEvents of BullMQ whether or not Redis is there. BullMQ's close waits on
 * the connection: QUIT, which a connection without an offline queue refuses while Redis is away
 * (close rejected, and ioredis went on reconnecting for ever: a process that did not exit);
 * QueueEvents' disconnect, which waits for an 'end' that ioredis never emits for a connection that
 * is reconnecting, or for a first connection that never comes (close waited for ever). A
 * connection that is not ready is dropped without waiting instead (BullMQ's forced close, as
 * Worker.close(true) does for its own). Nothing the product needs is pending on it by then; ioredis
 * still waits up to its disconnectTimeout for the dropped socket to close (QUICK_END).
 */
export async function closeOrDisconnect(closable: Queue | QueueEvents): Promise<void> {
  const backend = closable.getBackend();
  // BullMQ's status: the first connection was made (until then, `client` waits for it).
  const connected = backend.connection.status === 'ready';
  if (connected) {
    const client = await backend.client;
    if (client.status === 'ready') {
      try {
        return await closable.close();
      } catch {
        // Redis went away meanwhile: stop reconnecting, nothing else is left.
        return void client.disconnect();
      }
    }
  }
  await backend.close(true);
  if (connected) return closable.close(); // finds the connection closed: resolves at once
  // Never connected: QueueEvents' close would wait for that first connection, which the forced
  // close stopped ioredis trying to make. Still called, to end its loop and mark it closed.
  void closable.close().catch(() => undefined);
}

/** A client instance (ioredis) rather than connection options. */
export function isClient(connection: ConnectionOptions): boolean {
  return typeof (connection as { duplicate?: unknown }).duplicate === 'function';
}

/** ioredis refusing a command because the connection is down (offline queue off, closed, out of retries). */
export function isConnectionLoss(error: unknown): boolean {
  if (!hasMessage(error)) return false;
  return /enableOfflineQueue|Connection is closed|max retries per request/i.test(error.message) || (error as { name?: unknown }).name === 'MaxRetriesPerRequestError';
}

/**
 * Redis refusing a write at its maxmemory: "OOM command not allowed when used memory >
 * 'maxmemory'", from a command, or from one of BullMQ's scripts — as it is on Redis 7, or inside
 * "ERR Error running script (call to f_…): @user_script:N: … -OOM command not allowed …" on
 * Redis 5 and 6 (BullMQ accepts Redis from 5.0 on).
 */
export function isOutOfMemory(error: unknown): boolean {
  return hasMessage(error) && /\bOOM command not allowed\b/.test(error.message);
}

/** Duck-typed: an error from another realm (a driver's, under Jest's VM) is no `instanceof Error`. */
export function hasMessage(error: unknown): error is { message: string } {
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

/**
 * BullMQ's word that a worker no longer held a job: a lock renewal refused ("could not renew lock
 * for job …"), or a move of the job refused for its lock — gone ("Missing lock", JobLockNotExist)
 * or another attempt's ("Lock mismatch", JobLockMismatch).
 */
export function isLostHold(error: Error): boolean {
  const { code } = error as { code?: unknown };
  return code === ErrorCode.JobLockNotExist || code === ErrorCode.JobLockMismatch || /^could not renew lock for job /.test(error.message);
}
