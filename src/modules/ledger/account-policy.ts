import type { Direction, LedgerLeg } from './ledger.types';

export interface AccountPolicy {
  normalSide: Direction;
  noNegative: boolean;
}

/** Account codes: printable, no spaces, segments separated by `:`, e.g. `wallet:<uuid>:available`. */
export const ACCOUNT_CODE = /^[\x21-\x7e]{1,200}$/;

/**
 * Flags an account gets when it is first used. User wallets and escrow hold people's money and may never
 * go negative; gateway clearing (an asset, normally a debit balance), platform and payout accounts may.
 * Balances are always reported as credits − debits whatever the normal side.
 */
export function accountPolicy(code: string): AccountPolicy {
  if (code.startsWith('wallet:') || code.startsWith('escrow:'))
    return { normalSide: 'CREDIT', noNegative: true };
  if (code.startsWith('gateway:')) return { normalSide: 'DEBIT', noNegative: false };
  return { normalSide: 'CREDIT', noNegative: false };
}

export const walletAccount = (userId: string) => `wallet:${userId}:available`;
export const walletPendingAccount = (userId: string) => `wallet:${userId}:pending`;

/** Money a gateway collected (or will pay out) before it reaches a wallet: one account per gateway. */
export const clearingAccount = (provider: string) => `gateway:${provider}:clearing`;

/** Money the gateway collected, moved to the user's wallet. */
export function gatewayToWallet(
  provider: string,
  userId: string,
  amount: number,
  currency?: string,
): LedgerLeg[] {
  return [
    { account: clearingAccount(provider), direction: 'DEBIT', amount, currency },
    { account: walletAccount(userId), direction: 'CREDIT', amount, currency },
  ];
}
