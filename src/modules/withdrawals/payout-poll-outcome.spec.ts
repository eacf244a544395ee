import { JobPartialFailure } from '../scheduling/job-partial-failure';
import { payoutPollOutcome } from './payout-poll-outcome';

describe('payoutPollOutcome', () => {
  it('passes the counts through when every payout was checked', () => {
    const counts = { succeeded: 2, failed: 1, pending: 3, errors: 0 };
    expect(payoutPollOutcome(counts)).toEqual({ succeeded: 2, failed: 1, pending: 3, errors: 0 });
  });

  it('fails the run, with the counts, when a lookup errored', () => {
    let thrown: unknown;
    try {
      payoutPollOutcome({ succeeded: 3, failed: 0, pending: 0, errors: 1 });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(JobPartialFailure);
    const failure = thrown as JobPartialFailure;
    expect(failure.message).toBe('1 of 4 pending payouts could not be checked with the gateway');
    expect(failure.counts).toEqual({ succeeded: 3, failed: 0, pending: 0, errors: 1 });
  });

  it('fails the run when every lookup errored', () => {
    expect(() => payoutPollOutcome({ succeeded: 0, failed: 0, pending: 0, errors: 2 })).toThrow(
      '2 of 2 pending payouts could not be checked with the gateway',
    );
  });
});
