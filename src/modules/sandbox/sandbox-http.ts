import type { Response } from 'express';
import type { SandboxGatewayService } from './sandbox-gateway.service';
import type { GatewayReply } from './sandbox-replies';
import type { SandboxProvider } from './sandbox.types';

export type RequestHeaders = Record<string, string | string[] | undefined>;

export function sendReply(res: Response, reply: GatewayReply): void {
  res.status(reply.status).json(reply.body);
}

/** What the sandbox answers while switched off: a route that does not exist. */
export function sendDisabled(res: Response): void {
  res.status(404).end();
}

export function headerOf(h: RequestHeaders, name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * One call to a gateway's imitated REST API: absent while the sandbox is off, the gateway's own 401
 * without its key, the injected 5xx when that knob is set, else what `op` answers.
 */
export async function serveGatewayCall(
  gw: SandboxGatewayService,
  provider: SandboxProvider,
  res: Response,
  headers: RequestHeaders,
  op: () => GatewayReply | Promise<GatewayReply>,
): Promise<void> {
  if (!gw.enabled) return sendDisabled(res);
  if (!gw.authorised(provider, headerOf(headers, 'authorization')))
    return sendReply(res, gw.unauthorised(provider));
  sendReply(res, gw.injectedFailure(provider) ?? (await op()));
}
