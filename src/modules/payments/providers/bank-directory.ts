import type { PayoutChannel } from './payment-provider';

/**
 * One directory of payout destinations: our code (what a saved bank account stores) → PayMongo's
 * receiving-institution BIC → Xendit's payout channel code. Saved accounts keep working after a gateway
 * switch because only this table knows gateway identifiers.
 *
 * BICs are the institutions' SWIFT codes, as PayMongo lists them in `GET /v2/transfers/
 * receiving_institutions` (the adapter checks each against that list before sending). Xendit codes
 * follow its `PH_<BANK>` pattern (`PH_GCASH`, `PH_PAYMAYA`, `PH_BDO` appear in its docs and SDK); the
 * full list is `GET /payouts_channels?currency=PHP` — see docs/gateways.md before adding a bank.
 */
export interface BankDirectoryEntry {
  code: string;
  name: string;
  paymongoBic: string;
  xenditChannel: string;
}

export const BANK_DIRECTORY: readonly BankDirectoryEntry[] = [
  { code: 'BDO', name: 'BDO Unibank', paymongoBic: 'BNORPHMMXXX', xenditChannel: 'PH_BDO' },
  {
    code: 'BPI',
    name: 'Bank of the Philippine Islands',
    paymongoBic: 'BOPIPHMMXXX',
    xenditChannel: 'PH_BPI',
  },
  {
    code: 'UBP',
    name: 'UnionBank of the Philippines',
    paymongoBic: 'UBPHPHMMXXX',
    xenditChannel: 'PH_UBP',
  },
  {
    code: 'MBTC',
    name: 'Metropolitan Bank and Trust',
    paymongoBic: 'MBTCPHMMXXX',
    xenditChannel: 'PH_MBTC',
  },
  {
    code: 'LBP',
    name: 'Land Bank of the Philippines',
    paymongoBic: 'TLBPPHMMXXX',
    xenditChannel: 'PH_LBP',
  },
  {
    code: 'RCBC',
    name: 'Rizal Commercial Banking Corporation',
    paymongoBic: 'RCBCPHMMXXX',
    xenditChannel: 'PH_RCBC',
  },
  { code: 'SECB', name: 'Security Bank', paymongoBic: 'SETCPHMMXXX', xenditChannel: 'PH_SECB' },
  {
    code: 'PNB',
    name: 'Philippine National Bank',
    paymongoBic: 'PNBMPHMMXXX',
    xenditChannel: 'PH_PNB',
  },
  {
    code: 'CHIB',
    name: 'China Banking Corporation',
    paymongoBic: 'CHBKPHMMXXX',
    xenditChannel: 'PH_CHIB',
  },
];

/** The e-wallets we pay out to, in the same shape (their InstaPay BICs and Xendit channels). */
export const WALLET_DIRECTORY: Readonly<
  Record<Exclude<PayoutChannel, 'BANK'>, BankDirectoryEntry>
> = {
  GCASH: { code: 'GCASH', name: 'GCash', paymongoBic: 'GXCHPHM2XXX', xenditChannel: 'PH_GCASH' },
  MAYA: { code: 'MAYA', name: 'Maya', paymongoBic: 'PAPHPHM1XXX', xenditChannel: 'PH_PAYMAYA' },
};

export function bankByCode(code: string | null | undefined): BankDirectoryEntry | null {
  return BANK_DIRECTORY.find((b) => b.code === code) ?? null;
}

/** The directory entry a payout goes to: the wallet for GCASH/MAYA, the bank by our code for BANK. */
export function payoutDestination(
  channel: PayoutChannel,
  bankCode: string | null | undefined,
): BankDirectoryEntry | null {
  return channel === 'BANK' ? bankByCode(bankCode) : WALLET_DIRECTORY[channel];
}
