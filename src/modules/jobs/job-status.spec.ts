import { AppError } from 'src/common/errors/app-error';
import { assertTransition, canTransition, JOB_STATUSES, JobStatus } from './job-status';

const ALLOWED: Array<[JobStatus, JobStatus]> = [
  ['AWAITING_DOWNPAYMENT', 'IN_PROGRESS'],
  ['AWAITING_DOWNPAYMENT', 'CANCELLED'],
  ['IN_PROGRESS', 'AWAITING_APPROVAL'],
  ['IN_PROGRESS', 'CANCELLED'],
  ['AWAITING_APPROVAL', 'COMPLETED'],
];

describe('job status machine', () => {
  const pairs = JOB_STATUSES.flatMap((from) => JOB_STATUSES.map((to) => [from, to] as const));

  it.each(pairs)('%s → %s is allowed only if it is in the table', (from, to) => {
    const expected = ALLOWED.some(([f, t]) => f === from && t === to);
    expect(canTransition(from, to)).toBe(expected);
    if (expected) {
      expect(() => assertTransition(from, to)).not.toThrow();
    } else {
      let err: unknown;
      try {
        assertTransition(from, to);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ status: 409, code: 'INVALID_JOB_TRANSITION' });
    }
  });

  it('should make COMPLETED and CANCELLED terminal', () => {
    for (const to of JOB_STATUSES) {
      expect(canTransition('COMPLETED', to)).toBe(false);
      expect(canTransition('CANCELLED', to)).toBe(false);
    }
  });
});
