/**
 * A TCP forwarder a test can cut and resume, to take a server away from a client and bring it
 * back, or freeze and thaw, to make it fall silent with every connection left open (a network
 * black hole) and then deliver what was held.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  /** Clients' connections open now, and who waits for a number of them. */
  private clients = 0;
  private countWaiters: Array<{ count: number; resolve: () => void }> = [];
  /** While frozen, the bytes each way, in order, to be delivered on thaw. */
  private held: Array<[Socket, Buffer]> | null = null;
  /** Who waits for a client's bytes to be held (a command sent into the frozen network). */
  private holdWaiters: Array<() => void> = [];

  private constructor(private readonly target: { host: string; port: number }) {}

  /** Listens on a free port of 127.0.0.1 and forwards every connection to `target`. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.listen(0);
    return proxy;
  }

  /** A forwarder to the server of a URL (`redis://…`, `postgres://…`), and that URL pointed at it. */
  static async forUrl(url: string, defaultPort: number): Promise<{ proxy: TcpProxy; url: string }> {
    const target = new URL(url);
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || defaultPort) });
    target.hostname = '127.0.0.1';
    target.port = String(proxy.listeningPort);
    return { proxy, url: target.toString() };
  }

  get listeningPort(): number {
    return this.port;
  }

  /** Resolves once at least `count` clients' connections are open through this proxy. */
  whenConnections(count: number): Promise<void> {
    if (this.clients >= count) return Promise.resolve();
    return new Promise((resolve) => this.countWaiters.push({ count, resolve }));
  }

  private counted(change: number): void {
    this.clients += change;
    const reached = this.countWaiters.filter((w) => this.clients >= w.count);
    this.countWaiters = this.countWaiters.filter((w) => this.clients < w.count);
    for (const w of reached) w.resolve();
  }

  /** Stops listening and drops every connection (both ends), as a server that went away. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forwards nothing more, either way, and closes nothing: both ends wait, as for a silent network. */
  freeze(): void {
    this.held ??= [];
  }

  /** Resolves once, while frozen, bytes a client sent are held: a command is on its way, unanswered. */
  whenClientBytesHeld(): Promise<void> {
    return new Promise((resolve) => this.holdWaiters.push(resolve));
  }

  /** Delivers what was held while frozen, and forwards again. */
  thaw(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const [to, chunk] of held) if (!to.destroyed) to.write(chunk);
  }

  /** Listens again, on the same port. */
  async resume(): Promise<void> {
    await this.listen(this.port);
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      this.counted(1);
      client.once('close', () => this.counted(-1));
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => this.sockets.delete(socket));
      }
      const forward = (from: Socket, to: Socket) =>
        from.on('data', (chunk: Buffer) => {
          if (this.held === null) {
            if (!to.destroyed) to.write(chunk);
            return;
          }
          this.held.push([to, chunk]);
          if (from === client) for (const resolve of this.holdWaiters.splice(0)) resolve();
        });
      forward(client, upstream);
      forward(upstream, client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : port;
    this.server = server;
  }
}
