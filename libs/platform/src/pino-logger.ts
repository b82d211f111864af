/**
 * Structured JSON logs (pino) behind Nest's LoggerService. Callers log route patterns, codes and
 * counts — never a person's id, name, title or evidence.
 */
import type { LoggerService } from '@nestjs/common';
import { hostname } from 'node:os';
import pino, { type Logger, type Level } from 'pino';
import { describeError } from './redact';

/**
 * Each line is written to stdout before the call returns — pino's standard mode. A process ends
 * on its stop signal raised again after Nest's shutdown hooks (or on a hard exit) without Node
 * flushing anything, and pino's asynchronous stdout lost the shutdown's last lines; flushing it
 * at the end was no cure (a chunk still being written by the thread pool was lost). The price:
 * a log reader that stops reading (a full pipe) holds the process up until it reads again.
 */
export function createRootLogger(level: string): Logger {
  // pid and hostname: which process (and container) of a deployment wrote the line.
  return pino(
    { level, base: { service: 'jx-credit-hours', pid: process.pid, hostname: hostname() }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * Nest's own start-up detail — a line per module loaded and per route mapped, ≈ 40 at every start —
 * at debug: at info, a start says what it runs on (`listening`, `worker ready`) in a line.
 */
const BOOTSTRAP_DETAIL = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

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
    this.write(BOOTSTRAP_DETAIL.has(rest[rest.length - 1] as string) ? 'debug' : 'info', message, rest);
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
