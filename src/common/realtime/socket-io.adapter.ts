import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

export interface SocketIoAdapterOptions {
  redisUrl: string | undefined;
  /** Prefix of the Redis pub/sub channels, so separate deployments (or test runs) never cross. */
  keyPrefix: string;
  corsOrigins: Array<string | RegExp>;
}

/**
 * Socket.IO with CORS from configuration and, when Redis is configured, the Redis adapter so an event
 * emitted on one instance reaches sockets connected to another. Without Redis: in-process rooms only.
 */
export class SocketIoAdapter extends IoAdapter {
  private readonly log = new Logger('SocketIoAdapter');
  private readonly clients: Redis[] = [];
  private readonly redisAdapter: ReturnType<typeof createAdapter> | null = null;

  constructor(
    app: INestApplicationContext,
    private readonly opts: SocketIoAdapterOptions,
  ) {
    super(app);
    if (opts.redisUrl) {
      // Publisher: no offline queue, so a Redis outage drops realtime events at once instead of queueing
      // them in memory. Subscriber: queues its SUBSCRIBE until Redis is up. The adapter awaits none of
      // these commands, so their rejections (Redis down, or closed during shutdown) are swallowed:
      // realtime is best-effort and must never crash the process.
      const pub = new Redis(opts.redisUrl, {
        connectionName: 'iayos-payments:io-pub',
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
      });
      const sub = new Redis(opts.redisUrl, {
        connectionName: 'iayos-payments:io-sub',
        maxRetriesPerRequest: null,
      });
      swallowRejections(pub, ['publish']);
      swallowRejections(sub, ['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe']);
      let lastLog = 0;
      for (const c of [pub, sub]) {
        c.on('error', (err: Error) => {
          if (Date.now() - lastLog < 30_000) return;
          lastLog = Date.now();
          this.log.warn(`Redis (socket.io) error: ${err.message}`);
        });
        this.clients.push(c);
      }
      this.redisAdapter = createAdapter(pub, sub, { key: `${opts.keyPrefix}socket.io` });
    }
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      cors: {
        origin: this.opts.corsOrigins.length > 0 ? this.opts.corsOrigins : false,
        credentials: true,
      },
    }) as Server;
    if (this.redisAdapter) server.adapter(this.redisAdapter);
    return server;
  }

  override async dispose(): Promise<void> {
    // disconnect(), not quit(): quit() would wait forever for a Redis that never came up.
    for (const c of this.clients) c.disconnect();
  }
}

/** Replaces promise-returning client methods with versions whose rejections are ignored. */
function swallowRejections(client: Redis, methods: string[]): void {
  const target = client as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of methods) {
    const original = target[name].bind(client);
    target[name] = (...args: unknown[]) => {
      const out = original(...args);
      if (out instanceof Promise) out.catch(() => undefined);
      return out;
    };
  }
}
