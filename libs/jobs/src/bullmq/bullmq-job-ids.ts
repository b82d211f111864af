/**
 * The port's job ids are any non-empty string, BullMQ's are not: it refuses a custom id that
 * reads as an integer (its own counter's ids) or that holds a ':' (unless it has exactly three
 * parts, kept for its legacy repeatable jobs). A deterministic id such as `sweep:2024` would work
 * on the in-process adapter and throw in production, so ids are stored percent-escaped: `%` and
 * `:` always, and the first character of an id that would read as an integer. Ordinary ids
 * (UUIDs, `flag-inst-1-2024`) are stored unchanged.
 */

const ESCAPED = /[%:]/g;
const ESCAPE_SEQUENCE = /%([0-9A-F]{2})/g;
/** What BullMQ prefixes to the ids of the runs a job scheduler adds (`repeat:{schedulerId}:{ms}`). */
const SCHEDULER_RUN_PREFIX = 'repeat:';

function escapeChar(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

/** BullMQ's own test (Job.validateOptions) for ids it reserves. */
function readsAsInteger(id: string): boolean {
  return `${parseInt(id, 10)}` === id;
}

/** The BullMQ id under which the port's `jobId` is stored. */
export function toBullMqJobId(jobId: string): string {
  if (jobId.length === 0) throw new RangeError('a job id must not be empty');
  const escaped = jobId.replace(ESCAPED, escapeChar);
  return readsAsInteger(escaped) ? escapeChar(escaped[0]!) + escaped.slice(1) : escaped;
}

/** The port's id of a BullMQ job. */
export function fromBullMqJobId(bullMqJobId: string): string {
  // A raw ':' is never written by toBullMqJobId: the id is one BullMQ made itself (a scheduled
  // run), and the port shows it as it is.
  if (bullMqJobId.includes(':')) return bullMqJobId;
  return bullMqJobId.replace(ESCAPE_SEQUENCE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * The BullMQ ids `getJob(jobId)` may be stored under, most likely first: an id that looks like a
 * scheduled run's may be one (stored raw) or an enqueued id that happens to look like it (escaped).
 */
export function bullMqJobIdCandidates(jobId: string): string[] {
  const escaped = toBullMqJobId(jobId);
  return jobId.startsWith(SCHEDULER_RUN_PREFIX) && escaped !== jobId ? [escaped, jobId] : [escaped];
}
