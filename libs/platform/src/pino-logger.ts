/**
 * Structured JSON logs (pino) behind Nest's LoggerService. Callers log route patterns, codes and
 * counts — never a person's id, name, title or evidence.
 */
import type { LoggerService } from '@nestjs/common';
import { hostname } from 'node:os';
import pino, { type Logger, type Level } from 'pino';
import { describeError } from './redact';

/** The root loggers' destinations: what flushLogsSync writes out. */
const destinations = new Set<ReturnType<typeof pino.destination>>();

/**
 * Writes out every line still buffered. Lines go to stdout asynchronously (a slow reader of the
 * logs must not stall the event loop: answers, health checks, job locks), so a process that ends
 * on its re-raised stop signal (Nest's shutdown hooks) would lose the shutdown's last lines: the
 * stop-signal handling (armShutdownDeadline) calls this first, as does every exit.
 */
export function flushLogsSync(): void {
  for (const destination of destinations) {
    try {
      destination.flushSync();
    } catch {
      // Not ready yet, or stdout gone: nothing more can be written.
    }
  }
}

export function createRootLogger(level: string): Logger {
  const destination = pino.destination({ dest: 1, sync: false });
  if (destinations.size === 0) process.on('exit', flushLogsSync);
  destinations.add(destination);
  // pid and hostname: which process (and container) of a deployment wrote the line.
  return pino({ level, base: { service: 'jx-credit-hours', pid: process.pid, hostname: hostname() }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  /**
   * Nest calls `logger.error(message, ...params, context)`: the last string is the context and,
   * for an object message, a string before it is the text (`logger.error({ err }, 'text')`).
   */
  private write(level: Level, message: unknown, params: unknown[]): void {
    const context = params.length > 0 ? params[params.length - 1] : undefined;
    const ctx = typeof context === 'string' ? { context } : {};
    const text = params.length > 1 && typeof params[0] === 'string' ? params[0] : undefined;
    // Errors (Nest's start-up failures among them) keep their name and (redacted) message.
    if (message instanceof Error) this.logger[level]({ ...ctx, err: describeError(message) }, text ?? describeError(message).message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...ctx, ...(message as object) }, text);
    else this.logger[level](ctx, String(message));
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }
}
