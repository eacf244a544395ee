import { z } from 'zod';

/**
 * Every server → client event and its payload (money in centavos): the contract's Realtime section.
 * The schemas are the single source: the TypeScript types below derive from them, and a test checks
 * `asyncapi.yaml` (served at /docs/asyncapi.yaml outside production) against them.
 */
const centavos = z.number().int();
export const REALTIME_EVENT_SCHEMAS = {
  'wallet.updated': z.object({
    balance: centavos,
    reserved: centavos,
    available: centavos,
    pendingEarnings: centavos,
  }),
  'transaction.updated': z.object({
    id: z.string(),
    type: z.string(),
    status: z.string(),
    amount: centavos,
  }),
  'payment-method.updated': z.object({ id: z.string(), isVerified: z.boolean() }),
  /** A payout account was added (on any session): lets the owner notice a takeover at once. */
  'payment-method.added': z.object({
    id: z.string(),
    type: z.string(),
    accountNumber: z.string(),
    isVerified: z.boolean(),
  }),
};

export type RealtimeEvents = {
  [E in keyof typeof REALTIME_EVENT_SCHEMAS]: z.infer<(typeof REALTIME_EVENT_SCHEMAS)[E]>;
};

export type RealtimeEventName = keyof RealtimeEvents;

/** Socket.IO's typed-events shape of the map above. */
export type ServerToClientEvents = {
  [E in RealtimeEventName]: (payload: RealtimeEvents[E]) => void;
};

/** Clients send nothing to the server; everything they do goes through the HTTP API. */
export type ClientToServerEvents = Record<string, never>;

export interface SocketData {
  userId: string;
}

export const userRoom = (userId: string) => `user:${userId}`;
