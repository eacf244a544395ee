/** Budget limits from the contract: ₱100 – ₱100,000, in centavos. */
export const MIN_JOB_BUDGET = 10_000;
export const MAX_JOB_BUDGET = 10_000_000;
const BPS_DENOMINATOR = 10_000;

export interface JobAmounts {
  budget: number;
  platformFee: number;
  downpaymentAmount: number;
  remainingAmount: number;
}

/**
 * The amounts of a job, fixed once at creation, in integer centavos (see ADR 0040):
 * fee = budget × feeBps / 10 000 rounded half up to the centavo; downpayment = ⌊budget / 2⌋;
 * remaining = budget − downpayment, so an odd centavo goes to the remaining payment and none is lost.
 * Integer arithmetic only: budget × bps ≤ 10^7 × 5·10^3 stays far below 2^53.
 */
export function computeJobAmounts(budget: number, feeBps: number): JobAmounts {
  if (!Number.isSafeInteger(budget) || budget < MIN_JOB_BUDGET || budget > MAX_JOB_BUDGET)
    throw new RangeError(
      `budget must be an integer between ${MIN_JOB_BUDGET} and ${MAX_JOB_BUDGET}`,
    );
  if (!Number.isSafeInteger(feeBps) || feeBps < 0 || feeBps > BPS_DENOMINATOR)
    throw new RangeError('feeBps must be an integer between 0 and 10000');
  const platformFee = Math.floor((budget * feeBps + BPS_DENOMINATOR / 2) / BPS_DENOMINATOR);
  const downpaymentAmount = Math.floor(budget / 2);
  return {
    budget,
    platformFee,
    downpaymentAmount,
    remainingAmount: budget - downpaymentAmount,
  };
}
