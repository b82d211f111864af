/**
 * A failure reported on every retry — a store or Redis away, asked again every few seconds, or
 * ioredis reconnecting — would fill the log with one line per attempt. The first of a kind (same
 * error name and message) is logged at once; the same again only once `windowMs` has passed since
 * it was last logged, with how many were left out meanwhile (`repeated`).
 */
import { describeError } from './redact';

export interface RepeatedFailuresOptions {
  /** Default 30 s. */
  windowMs?: number;
  /** Default Date.now; tests move it. */
  now?: () => number;
}

/** Kinds remembered at once (the oldest forgotten first): errors of many kinds are logged, not kept. */
const KINDS = 100;

export interface RepeatedFailureLog {
  /** `context`: fields of this occurrence (a request's id) for the line, if one is written. */
  (error: unknown, context?: Record<string, unknown>): void;
  /**
   * The failures stopped: each kind logged gets a last line (`stopped: true`, with `repeated` when
   * some were left out since its last line), and every kind starts afresh.
   */
  recovered(): void;
}

export function logRepeatedFailures(
  log: (fields: { err: { name: string; message: string }; repeated?: number; stopped?: true; [context: string]: unknown }) => void,
  { windowMs = 30_000, now = Date.now }: RepeatedFailuresOptions = {},
): RepeatedFailureLog {
  const kinds = new Map<string, { err: { name: string; message: string }; loggedAt: number; leftOut: number }>();
  const report = (error: unknown, context: Record<string, unknown> = {}): void => {
    const err = describeError(error);
    const kind = `${err.name}: ${err.message}`;
    const at = now();
    const known = kinds.get(kind);
    if (known !== undefined && at - known.loggedAt < windowMs) {
      known.leftOut += 1;
      return;
    }
    kinds.delete(kind);
    kinds.set(kind, { err, loggedAt: at, leftOut: 0 });
    if (kinds.size > KINDS) kinds.delete(kinds.keys().next().value!);
    log(known !== undefined && known.leftOut > 0 ? { ...context, err, repeated: known.leftOut } : { ...context, err });
  };
  return Object.assign(report, {
    recovered(): void {
      for (const { err, leftOut } of kinds.values()) log(leftOut > 0 ? { err, repeated: leftOut, stopped: true } : { err, stopped: true });
      kinds.clear();
    },
  });
}
