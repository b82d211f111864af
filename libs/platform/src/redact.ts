/**
 * Error messages can carry stream names (`creditYear-{personId}+{year}`, or a name built on one
 * without the year, as the EventStoreDB guard ledger's `…guards-creditYear-{personId}`) and ids:
 * what goes to the logs keeps the kind of error and drops the person.
 */
const PERSON_STREAM = /creditYear-[A-Za-z0-9_-]{1,64}(\+\d{4})?/g;
const PERSON_WORDS = /\b(person|activity|activityId|personId)\s+[A-Za-z0-9_-]{1,64}/gi;

export function redact(message: string): string {
  return message.replace(PERSON_STREAM, 'creditYear-<person>$1').replace(PERSON_WORDS, '$1 <id>');
}

/** A loggable description of anything thrown: its name and redacted message, no stack. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: redact(error.message) };
  return { name: typeof error, message: redact(String(error)) };
}
