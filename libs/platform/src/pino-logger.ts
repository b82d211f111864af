/**
 * Structured JSON logs (pino) behind Nest's LoggerService. Callers log route patterns, codes and
 * counts — never a person's id, name, title or evidence.
 */
import type { LoggerService } from '@nestjs/common';
import { hostname } from 'node:os';
import pino, { type Logger, type Level } from 'pino';
import { describeError } from './redact';

/**
 * Writes each line to stdout before returning: a process ends on its re-raised stop signal (Nest's
 * shutdown hooks) or on a hard exit without flushing anything buffered, and pino's default
 * asynchronous stdout lost the shutdown's last lines (a job's "interrupted" among them).
 */
export function createRootLogger(level: string): Logger {
  // pid and hostname: which process (and container) of a deployment wrote the line.
  return pino({ level, base: { service: 'jx-credit-hours', pid: process.pid, hostname: hostname() }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 1, sync: true }));
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
