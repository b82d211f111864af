/** DI tokens of the application layer (ports are injected by Symbol, never by class). */
export const CLOCK = Symbol('CLOCK');
export const RULE_SETS = Symbol('RULE_SETS');
export const WORKFLOW_SETTINGS = Symbol('WORKFLOW_SETTINGS');
/** How many events the statement reader's cache of recent years may hold (optional; tests set it small). */
export const STATEMENT_CACHE_EVENTS = Symbol('STATEMENT_CACHE_EVENTS');

/** The injected clock: tests move it, production reads the system time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface WorkflowSettings {
  /** `YEAR_CLOSES_ON` (MM-DD of the following year). */
  yearClosesOn: string;
}
