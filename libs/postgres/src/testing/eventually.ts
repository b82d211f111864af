/**
 * Bounded polling of a condition only the database can answer (a backend waiting on a lock, a
 * LISTEN connection present): never a sleep standing in for synchronisation, and it fails with
 * `what` at the deadline instead of hanging.
 */
export async function eventually(condition: () => Promise<boolean>, what: string, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
