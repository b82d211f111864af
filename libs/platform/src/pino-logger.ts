/**
 * Structured JSON logs (pino) behind Nest's LoggerService. Callers log route patterns, codes and
 * counts — never a person's id, name, title or evidence.
 */
import type { LoggerService } from '@nestjs/common';
import pino, { type Logger, type Level } from 'pino';
import { describeError } from './redact';

export function createRootLogger(level: string): Logger {
  return pino({ level, base: { service: 'jx-credit-hours' }, timestamp: pino.stdTimeFunctions.isoTime });
}

export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  private write(level: Level, message: unknown, context?: unknown): void {
    const ctx = typeof context === 'string' ? { context } : {};
    // Errors (Nest's start-up failures among them) keep their name and (redacted) message.
    if (message instanceof Error) this.logger[level]({ ...ctx, err: describeError(message) }, describeError(message).message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...ctx, ...(message as object) });
    else this.logger[level](ctx, String(message));
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest[rest.length - 1]);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest[rest.length - 1]);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest[rest.length - 1]);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest[rest.length - 1]);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest[rest.length - 1]);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest[rest.length - 1]);
  }
}
