import { walletAccount, walletPendingAccount } from '../ledger/account-policy';

/** Ledger account codes a job's money moves through (see the agreed ledger interface). */
export const escrowAccount = (jobId: string) => `escrow:${jobId}`;
export const availableAccount = walletAccount;
export const pendingAccount = walletPendingAccount;
export const PLATFORM_FEES = 'platform:fees';

/** One ledger entry id per money step of a job: the ledger cannot apply any of them twice. */
export const jobEntryId = {
  downpayment: (jobId: string) => `job:${jobId}:downpayment`,
  remaining: (jobId: string) => `job:${jobId}:remaining`,
  settle: (jobId: string) => `job:${jobId}:settle`,
  refund: (jobId: string) => `job:${jobId}:cancel-refund`,
  release: (jobId: string) => `job:${jobId}:release`,
};
