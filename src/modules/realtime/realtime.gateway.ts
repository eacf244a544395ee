import { Inject, Logger } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { allowedOrigins, type OriginMatcher } from 'src/common/http/allowed-origins';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { ACCESS_COOKIE } from '../auth/auth-cookies';
import { TokenService } from '../auth/token.service';
import { SessionsService } from '../auth/sessions.service';
import {
  ClientToServerEvents,
  ServerToClientEvents,
  SocketData,
  userRoom,
} from './realtime.events';
import { RealtimePublisher } from './realtime.publisher';

type AppServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
type AppSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

interface Handshake {
  handshake: { auth: unknown; headers: Record<string, unknown> };
}

/** The access token from `auth: {token}` in the handshake, else from the `access` cookie. */
export function handshakeToken(socket: Handshake): string | null {
  return handshakeCredential(socket)?.token ?? null;
}

/** The handshake's access token and where it came from (a cookie needs an allowed Origin). */
export function handshakeCredential(
  socket: Handshake,
): { token: string; viaCookie: boolean } | null {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token !== '')
    return { token: auth.token.replace(/^Bearer\s+/i, ''), viaCookie: false };
  const cookie = socket.handshake.headers.cookie;
  if (typeof cookie !== 'string') return null;
  for (const part of cookie.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === ACCESS_COOKIE) {
      try {
        const token = decodeURIComponent(part.slice(i + 1).trim());
        return token ? { token, viaCookie: true } : null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * Socket.IO on the HTTP port (path /socket.io). Sockets authenticate at the handshake; a socket
 * without a valid access token never connects. Each socket joins its user's room only.
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false })
export class RealtimeGateway implements OnGatewayInit<AppServer>, OnGatewayConnection<AppSocket> {
  private readonly log = new Logger('Realtime');
  private readonly origins: OriginMatcher;

  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionsService,
    private readonly publisher: RealtimePublisher,
    @Inject(APP_CONFIG) cfg: AppConfig,
  ) {
    this.origins = allowedOrigins(cfg);
  }

  afterInit(server: AppServer): void {
    server.use((socket, next) => {
      const credential = handshakeCredential(socket);
      // A browser attaches the cookie to a handshake from any page (cross-site WebSocket hijacking):
      // cookie authentication only from our own origins. A token in `auth` is never sent implicitly.
      if (credential?.viaCookie) {
        const origin = socket.handshake.headers.origin;
        if (typeof origin !== 'string' || !this.origins.has(origin))
          return next(new Error('origin not allowed'));
      }
      const user = credential ? this.tokens.verifyAccess(credential.token) : null;
      if (!user?.sessionId) return next(new Error('unauthorized'));
      // Like HTTP: the token's session must still be live (not logged out, account not removed).
      this.sessions.activeRole(user.sessionId, user.id).then(
        (role) => {
          if (!role) return next(new Error('unauthorized'));
          socket.data.userId = user.id;
          next();
        },
        () => next(new Error('unauthorized')),
      );
    });
    this.publisher.attach(server);
  }

  async handleConnection(socket: AppSocket): Promise<void> {
    const userId = socket.data.userId;
    if (!userId) {
      socket.disconnect(true);
      return;
    }
    await socket.join(userRoom(userId));
    this.log.debug(`socket ${socket.id} joined ${userRoom(userId)}`);
  }
}
