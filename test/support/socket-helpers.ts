import { io, Socket } from 'socket.io-client';

/** Connects and resolves once the server accepted the handshake (rejects on connect_error). */
export function connectSocket(
  url: string,
  auth: { token?: string; cookie?: string; origin?: string },
): Promise<Socket> {
  const headers = {
    ...(auth.cookie ? { cookie: auth.cookie } : {}),
    ...(auth.origin ? { origin: auth.origin } : {}),
  };
  const socket = io(url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: auth.token ? { token: auth.token } : {},
    extraHeaders: Object.keys(headers).length > 0 ? headers : undefined,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Resolves with the next `event` payload; rejects if none arrives within `ms` (a bound, not an assertion). */
export function nextEvent<T>(socket: Socket, event: string, ms = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Records every event a socket receives, for "never saw it" checks. */
export function recordEvents(socket: Socket): Array<{ event: string; payload: unknown }> {
  const seen: Array<{ event: string; payload: unknown }> = [];
  socket.onAny((event: string, payload: unknown) => seen.push({ event, payload }));
  return seen;
}
