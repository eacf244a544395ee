import { Injectable, Logger } from '@nestjs/common';
import type { Server } from 'socket.io';
import {
  RealtimeEventName,
  RealtimeEvents,
  ServerToClientEvents,
  userRoom,
} from './realtime.events';

/**
 * How feature modules push events to a user's sockets. Call it only after the database transaction
 * that caused the event has committed. With the Redis adapter the event reaches sockets connected to
 * any instance. Fire-and-forget: a realtime hiccup never fails a money operation.
 */
@Injectable()
export class RealtimePublisher {
  private readonly log = new Logger('RealtimePublisher');
  private server: Server<Record<string, never>, ServerToClientEvents> | null = null;

  attach(server: Server<Record<string, never>, ServerToClientEvents>): void {
    this.server = server;
  }

  publish<E extends RealtimeEventName>(userId: string, event: E, payload: RealtimeEvents[E]): void {
    if (!this.server) return;
    try {
      // The generic map cannot be narrowed per event by TypeScript; the signature above keeps callers typed.
      const room = this.server.to(userRoom(userId)) as unknown as {
        emit: (e: string, p: unknown) => boolean;
      };
      room.emit(event, payload);
    } catch (err) {
      this.log.warn(`publish ${event} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
