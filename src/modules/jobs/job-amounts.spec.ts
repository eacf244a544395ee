import fc from 'fast-check';
import { computeJobAmounts, MAX_JOB_BUDGET, MIN_JOB_BUDGET } from './job-amounts';

const budgets = fc.integer({ min: MIN_JOB_BUDGET, max: MAX_JOB_BUDGET });
const feeBps = fc.integer({ min: 0, max: 5000 });

describe('computeJobAmounts', () => {
  it('should give integer amounts whose split adds up to the budget exactly (no centavo lost)', () => {
    fc.assert(
      fc.property(budgets, feeBps, (budget, bps) => {
        const a = computeJobAmounts(budget, bps);
        expect(Number.isInteger(a.platformFee)).toBe(true);
        expect(Number.isInteger(a.downpaymentAmount)).toBe(true);
        expect(Number.isInteger(a.remainingAmount)).toBe(true);
        expect(a.downpaymentAmount + a.remainingAmount).toBe(budget);
        expect(a.budget).toBe(budget);
      }),
      { numRuns: 5000 },
    );
  });

  it('should floor the downpayment so the remaining payment carries the odd centavo', () => {
    fc.assert(
      fc.property(budgets, (budget) => {
        const a = computeJobAmounts(budget, 1000);
        expect(a.downpaymentAmount).toBe(Math.floor(budget / 2));
        expect(a.remainingAmount - a.downpaymentAmount).toBe(budget % 2);
      }),
    );
  });

  it('should round the fee half up to the centavo, within half a centavo of the exact value', () => {
    fc.assert(
      fc.property(budgets, feeBps, (budget, bps) => {
        const { platformFee } = computeJobAmounts(budget, bps);
        // Compare in units of 1/10000 centavo so the check itself uses no floats.
        const exactTimes10k = budget * bps;
        const diff = platformFee * 10_000 - exactTimes10k;
        // Half up: an exact half rounds up (diff = +5000), anything below rounds down (diff > -5000).
        expect(diff).toBeGreaterThan(-5000);
        expect(diff).toBeLessThanOrEqual(5000);
      }),
      { numRuns: 5000 },
    );
  });

  it('should compute the contract example and the rounding edges exactly', () => {
    expect(computeJobAmounts(100_000, 1000)).toEqual({
      budget: 100_000,
      platformFee: 10_000,
      downpaymentAmount: 50_000,
      remainingAmount: 50_000,
    });
    // ₱100.01 at 10 %: fee 1000.1 → 1000; halves 5000 / 5001.
    expect(computeJobAmounts(10_001, 1000)).toEqual({
      budget: 10_001,
      platformFee: 1000,
      downpaymentAmount: 5000,
      remainingAmount: 5001,
    });
    // 10_005 × 10 % = 1000.5 → rounds half up to 1001; 10_004 → 1000.4 → 1000.
    expect(computeJobAmounts(10_005, 1000).platformFee).toBe(1001);
    expect(computeJobAmounts(10_004, 1000).platformFee).toBe(1000);
    // 2.5 %: 12_345 × 0.025 = 308.625 → 309.
    expect(computeJobAmounts(12_345, 250).platformFee).toBe(309);
    expect(computeJobAmounts(MAX_JOB_BUDGET, 1000).platformFee).toBe(1_000_000);
    expect(computeJobAmounts(MIN_JOB_BUDGET, 0).platformFee).toBe(0);
  });

  it('should refuse budgets outside ₱100–₱100,000 and non-integers', () => {
    expect(() => computeJobAmounts(MIN_JOB_BUDGET - 1, 1000)).toThrow(RangeError);
    expect(() => computeJobAmounts(MAX_JOB_BUDGET + 1, 1000)).toThrow(RangeError);
    expect(() => computeJobAmounts(10_000.5, 1000)).toThrow(RangeError);
    expect(() => computeJobAmounts(10_000, 1000.5)).toThrow(RangeError);
    expect(() => computeJobAmounts(10_000, -1)).toThrow(RangeError);
  });
});
