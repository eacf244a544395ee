/** How each mobile wallet proves ownership: a checkout paid through that wallet's own method. */
export const WALLET_VERIFICATION = {
  GCASH: { type: 'GCASH', label: 'GCash', method: 'gcash', purpose: 'gcash_verification' },
  MAYA: { type: 'MAYA', label: 'Maya', method: 'paymaya', purpose: 'maya_verification' },
} as const;
export type WalletKind = (typeof WALLET_VERIFICATION)[keyof typeof WALLET_VERIFICATION];
