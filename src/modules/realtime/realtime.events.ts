/** Every server → client event and its payload (money in centavos). The contract's Realtime section. */
export interface RealtimeEvents {
  'wallet.updated': {
    balance: number;
    reserved: number;
    available: number;
    pendingEarnings: number;
  };
  'transaction.updated': { id: string; type: string; status: string; amount: number };
  'payment-method.updated': { id: string; isVerified: boolean };
  /** A payout account was added (on any session): lets the owner notice a takeover at once. */
  'payment-method.added': { id: string; type: string; accountNumber: string; isVerified: boolean };
}

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
