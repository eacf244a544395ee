import { createServer, request, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The load balancer in front of the instances (what nginx is in the compose stack): round robin;
 * a request whose connection is refused goes to the next instance, as nginx's `proxy_next_upstream
 * error` does. Bodies are buffered, so a retry sends the same bytes.
 */
export class Balancer {
  private server?: Server;
  private next = 0;
  port = 0;

  constructor(private readonly upstreams: () => number[]) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const ports = this.upstreams();
        const first = this.next++;
        const attempt = (i: number) => {
          if (i >= ports.length) {
            res.writeHead(502).end();
            return;
          }
          const port = ports[(first + i) % ports.length];
          const up = request(
            { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
            (upRes) => {
              res.writeHead(upRes.statusCode ?? 502, upRes.headers);
              upRes.pipe(res);
            },
          );
          up.on('error', (err: NodeJS.ErrnoException) => {
            if (err.code === 'ECONNREFUSED' && !res.headersSent) attempt(i + 1);
            else if (!res.headersSent) res.writeHead(502).end();
            else res.destroy();
          });
          up.end(body);
        };
        attempt(0);
      });
    });
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
