import type { Pool, PoolClient } from 'pg';
import { isQueryReadTimeout } from './query-timeouts';

/**
 * SQLSTATEs after which the server has ended the session: 57P01–57P05 (shutdown, crash, cannot
 * connect now, database dropped, idle_session_timeout), 25P03 (idle_in_transaction_session_timeout)
 * and class 08 (connection exceptions).
 */
const SESSION_ENDED = /^(57P0[1-5]|25P03|08...)$/;

/**
 * A connection checked out of a pool for several statements (a transaction, an append, a turn).
 *
 * While a client is checked out, pg-pool takes its own 'error' listener off it, and node-postgres
 * emits 'error' on a client whose connection ends unexpectedly — even while a statement of it is
 * running. With no listener left, that is an unhandled 'error' event: the process ends. A
 * PostgreSQL restarted, crashed or stopped under load ended the API and the worker so (seen in a
 * chaos run: 12 outages of 13 under load), where every request should have answered 503 and the
 * process served again once PostgreSQL was back. Here the loss is recorded instead — the statement
 * in flight fails with it too, and is reported that way — and the connection is discarded when
 * released.
 */
export class CheckedOutClient {
  private lostWith: Error | undefined;
  private readonly onError = (error: Error): void => {
    this.lostWith ??= error;
  };

  private constructor(readonly client: PoolClient) {
    client.on('error', this.onError);
  }

  static async from(pool: Pool): Promise<CheckedOutClient> {
    return new CheckedOutClient(await pool.connect());
  }

  /** Why the connection cannot be used again, if it cannot: lost, or marked so by `discard`. */
  get lost(): Error | undefined {
    return this.lostWith;
  }

  /** Marks the connection unusable (a statement unanswered, a failed ROLLBACK): released, it is closed rather than pooled. */
  discard(reason: Error): void {
    this.lostWith ??= reason;
  }

  /**
   * Notes a statement's failure; the connection is discarded after one that ends the session
   * (57P01, terminating connection due to administrator command, when PostgreSQL stops or restarts;
   * any FATAL or PANIC answer) — its answer arrives before the connection's end, which the listener
   * would only see after a release had already pooled the connection; told by its SQLSTATE as well
   * as its severity, which the server translates (lc_messages) — and after one left unanswered
   * (isQueryReadTimeout: the server may still be running it on this session).
   */
  failed(error: unknown): void {
    if (typeof error !== 'object' || error === null) return;
    const { severity, code } = error as { severity?: unknown; code?: unknown };
    const ended = severity === 'FATAL' || severity === 'PANIC' || (typeof code === 'string' && SESSION_ENDED.test(code));
    if (ended || isQueryReadTimeout(error)) this.discard(error as Error);
  }

  /** Gives the connection back to the pool, or closes it if it was lost or discarded. Once only. */
  release(): void {
    this.client.off('error', this.onError);
    this.client.release(this.lostWith);
  }
}
