import type { Response } from 'express';
import type { GatewayReply } from './sandbox-replies';

export function sendReply(res: Response, reply: GatewayReply): void {
  res.status(reply.status).json(reply.body);
}

/** What the sandbox answers while switched off: a route that does not exist. */
export function sendDisabled(res: Response): void {
  res.status(404).end();
}

export function headerOf(
  h: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
