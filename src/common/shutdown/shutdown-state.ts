import { Injectable } from '@nestjs/common';

/**
 * Set when SIGTERM arrives, so readiness turns 503 while in-flight requests finish. Also counts
 * in-flight HTTP requests so shutdown can wait for exactly those (not for idle keep-alive or
 * WebSocket connections, which would hold the server open until the grace period ends).
 */
@Injectable()
export class ShutdownState {
  private shuttingDown = false;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  begin(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  get inFlightRequests(): number {
    return this.inFlight;
  }

  requestStarted(): void {
    this.inFlight++;
  }

  requestEnded(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Resolves once no request is in flight. */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
