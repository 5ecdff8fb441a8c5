import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** Where a {@link TcpProxy} forwards to. */
export interface ProxyTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * A TCP proxy for fault injection, where tc and iptables are not available: it listens on
 * 127.0.0.1 (a free port) and forwards every connection to `target`, in one of these modes,
 * switchable at any time and applied to open connections as well as new ones:
 * - pass-through: bytes flow as they come;
 * - {@link delay}: every chunk, in each direction, is held for a latency drawn in [min, max] ms
 *   before it is forwarded (never overtaking the chunk before it, so the byte stream stays intact);
 * - {@link blackhole}: nothing flows in either direction. Connections are still accepted (the
 *   client believes it is connected) but not opened to the target; open ones stop reading, so
 *   their peers' writes back up in TCP as on a dead link. A close or an error of one side is held
 *   back too. Switching back delivers everything held, in order, as a healed link would;
 * - {@link resetAll}: not a mode but a one-off: every open connection is reset (RST on both
 *   sides: the client sees ECONNRESET).
 */
export class TcpProxy {
  private readonly links = new Set<Link>();
  private latency = { minMs: 0, maxMs: 0 };
  private holding = false;
  private listeningOn = 0;

  private constructor(
    private readonly server: Server,
    readonly target: ProxyTarget,
    /** Draws the latency of each chunk; pass a seeded one to make a run repeatable. */
    private readonly random: () => number,
  ) {}

  static async start(target: ProxyTarget, random: () => number = Math.random): Promise<TcpProxy> {
    // allowHalfOpen: a client's FIN is forwarded as a FIN, its answer still flows back.
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
    const proxy = new TcpProxy(server, target, random);
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    proxy.listeningOn = (server.address() as AddressInfo).port;
    return proxy;
  }

  /** The port clients connect to (on 127.0.0.1); still known after {@link close}. */
  get port(): number {
    return this.listeningOn;
  }

  /** Connections currently proxied (or held by a blackhole). */
  get openConnections(): number {
    return this.links.size;
  }

  /** Whether the proxy is blackholing (forwarding nothing). */
  get blackholed(): boolean {
    return this.holding;
  }

  /** Back to forwarding everything at once; whatever a blackhole held is delivered now. */
  passThrough(): void {
    this.latency = { minMs: 0, maxMs: 0 };
    this.release();
  }

  /** Holds each chunk, in each direction, for a latency drawn in [minMs, maxMs]. */
  delay(minMs: number, maxMs = minMs): void {
    if (!(minMs >= 0 && maxMs >= minMs)) throw new Error(`latency must satisfy 0 <= min <= max, got ${minMs}..${maxMs}`);
    this.latency = { minMs, maxMs };
    this.release();
  }

  /** Forwards nothing, in either direction, on open and new connections, until switched back. */
  blackhole(): void {
    this.holding = true;
    for (const link of this.links) link.hold();
  }

  /** Resets every open connection on both sides (the client sees ECONNRESET). */
  resetAll(): number {
    const count = this.links.size;
    for (const link of [...this.links]) link.reset();
    return count;
  }

  /** Stops listening and destroys every open connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const link of [...this.links]) link.destroy();
    await closed;
  }

  /** The latency of the next chunk, in ms (asked by the links' pipes). */
  nextLatency(): number {
    const { minMs, maxMs } = this.latency;
    return minMs + (maxMs - minMs) * this.random();
  }

  /** Called by a link once both its sides are closed. */
  forget(link: Link): void {
    this.links.delete(link);
  }

  private accept(client: Socket): void {
    const link = new Link(this, client);
    this.links.add(link);
    // In a blackhole the target is not even dialled: the connection waits for the link to heal.
    if (!this.holding) link.open();
  }

  private release(): void {
    if (!this.holding) return;
    this.holding = false;
    for (const link of [...this.links]) link.release();
  }
}

/** One client connection and its connection to the target. */
class Link {
  private upstream?: Socket;
  private readonly toTarget: Pipe;
  private toClient?: Pipe;
  /** An error seen during a blackhole: the reset is carried out when the link heals. */
  private deferredReset = false;
  private done = false;

  constructor(
    private readonly proxy: TcpProxy,
    private readonly client: Socket,
  ) {
    client.setNoDelay(true);
    this.toTarget = new Pipe(proxy, client);
    this.watch(client);
  }

  /** Dials the target; the client's bytes queue in `toTarget` until the connection is up. */
  open(): void {
    if (this.upstream || this.done) return;
    const upstream = createConnection({ ...this.proxy.target, allowHalfOpen: true });
    upstream.setNoDelay(true);
    this.upstream = upstream;
    this.toClient = new Pipe(this.proxy, upstream);
    this.watch(upstream);
    upstream.once('connect', () => {
      this.toTarget.connect(upstream);
      this.toClient!.connect(this.client);
    });
  }

  hold(): void {
    this.toTarget.hold();
    this.toClient?.hold();
  }

  release(): void {
    if (this.deferredReset) return this.reset();
    this.open();
    this.toTarget.release();
    this.toClient?.release();
  }

  reset(): void {
    this.finish();
    for (const socket of [this.client, this.upstream]) {
      // A socket still connecting is reset once connected; a closed one is just destroyed.
      if (socket && !socket.destroyed) socket.resetAndDestroy();
    }
  }

  destroy(): void {
    this.finish();
    this.client.destroy();
    this.upstream?.destroy();
  }

  private watch(socket: Socket): void {
    // An error on one side (a reset, a refused dial) resets the other: its peer learns as it would
    // from a broken link. A clean close needs nothing: the pipes forward the FINs, and the link is
    // forgotten once both sides have closed.
    socket.on('error', () => this.resetOnError());
    socket.on('close', () => {
      if (this.client.destroyed && (!this.upstream || this.upstream.destroyed)) this.finish();
    });
  }

  private resetOnError(): void {
    if (this.done) return;
    // Not even the news of a dead connection crosses a blackhole.
    if (this.proxy.blackholed) this.deferredReset = true;
    else this.reset();
  }

  private finish(): void {
    this.done = true;
    this.toTarget.stop();
    this.toClient?.stop();
    this.proxy.forget(this);
  }
}

/**
 * One direction of a link: reads `source`, holds each chunk for its latency and writes it to the
 * sink once connected, in order, respecting the sink's backpressure. A FIN from the source is
 * forwarded after the chunks before it.
 */
class Pipe {
  private sink?: Socket;
  private readonly queue: { readonly dueAt: number; readonly chunk: Buffer }[] = [];
  private sourceEnded = false;
  private held: boolean;
  private waitingForDrain = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly proxy: TcpProxy,
    private readonly source: Socket,
  ) {
    this.held = proxy.blackholed;
    source.on('data', (chunk: Buffer) => {
      // Never before the previous chunk: a shorter draw must not reorder the stream.
      const dueAt = Math.max(Date.now() + proxy.nextLatency(), this.queue.at(-1)?.dueAt ?? 0);
      this.queue.push({ dueAt, chunk });
      this.pump();
    });
    source.on('end', () => {
      this.sourceEnded = true;
      this.pump();
    });
    this.updateReading();
  }

  connect(sink: Socket): void {
    this.sink = sink;
    sink.on('drain', () => {
      this.waitingForDrain = false;
      this.updateReading();
      this.pump();
    });
    this.pump();
  }

  hold(): void {
    this.held = true;
    this.updateReading();
  }

  release(): void {
    this.held = false;
    this.updateReading();
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.queue.length = 0;
  }

  private pump(): void {
    clearTimeout(this.timer);
    const sink = this.sink;
    if (this.stopped || this.held || !sink || sink.destroyed) return;
    while (this.queue.length > 0 && !this.waitingForDrain) {
      const wait = this.queue[0]!.dueAt - Date.now();
      if (wait > 0) {
        this.timer = setTimeout(() => this.pump(), wait);
        return;
      }
      if (!sink.write(this.queue.shift()!.chunk)) {
        // The sink is full: stop reading until it drains, so TCP pushes back on the sender.
        this.waitingForDrain = true;
        this.updateReading();
      }
    }
    if (this.queue.length === 0 && this.sourceEnded && !sink.writableEnded) sink.end();
  }

  private updateReading(): void {
    if (this.stopped || this.source.destroyed) return;
    if (this.held || this.waitingForDrain) this.source.pause();
    else this.source.resume();
  }
}
