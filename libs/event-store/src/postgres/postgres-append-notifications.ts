import { Client, escapeIdentifier, type ClientConfig } from 'pg';

/**
 * The nudge subscriptions wait for: this instance's own commits, and NOTIFYs sent by every
 * append's transaction (other processes included) on a dedicated LISTEN connection. A nudge only
 * says "read again": polling stays the fallback for a lost connection or a missed notification.
 */
export class AppendNotifications {
  private readonly listeners = new Set<() => void>();
  private client: Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    /** How long to wait before reconnecting a lost LISTEN connection. */
    private readonly retryMs: number,
  ) {}

  /** Registers a listener; the first one opens the LISTEN connection. */
  add(listener: () => void): () => void {
    this.listeners.add(listener);
    this.listen();
    return () => this.listeners.delete(listener);
  }

  /** Wakes every listener (called after each commit made through this instance). */
  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined); // closing: a connection already gone is fine
  }

  private listen(): void {
    if (this.closed || this.client || this.retry) return;
    const client = new Client(this.config);
    this.client = client;
    // Without these handlers a dropped connection would be an unhandled 'error' event: a crash.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('LISTEN connection ended')));
    client.on('notification', () => this.notify());
    client
      .connect()
      .then(() => client.query(`LISTEN ${escapeIdentifier(this.channel)}`))
      // Appends committed before LISTEN took effect sent no nudge we could hear: read once now.
      .then(() => this.notify())
      .catch((error: unknown) => this.lost(client, error));
  }

  private lost(client: Client, error: unknown): void {
    if (this.client !== client) return; // already replaced, or closing
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.closed) return;
    // A string, not the error: emitWarning refuses errors from another realm (jest's sandbox).
    const reason = error instanceof Error ? error.message : String(error);
    process.emitWarning(`LISTEN connection lost (${reason}); polling until it is back`, 'EventStoreListenError');
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.listen();
    }, this.retryMs);
  }
}
