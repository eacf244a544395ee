import { JobPartialFailure } from '../scheduling/job-partial-failure';

export interface PayoutPollCounts {
  succeeded: number;
  failed: number;
  pending: number;
  errors: number;
}

/**
 * The payout poll's result as a scheduled job sees it: its counts when every payout was checked; a
 * failure carrying the same counts when any lookup errored (the payouts stay PENDING, money reserved,
 * until a later poll reaches the gateway), so the run is not recorded or logged as a success.
 */
export function payoutPollOutcome(counts: PayoutPollCounts): PayoutPollCounts {
  if (counts.errors === 0) return counts;
  const checked = counts.succeeded + counts.failed + counts.pending;
  throw new JobPartialFailure(
    `${counts.errors} of ${checked + counts.errors} pending payouts could not be checked with the gateway`,
    { ...counts },
  );
}
