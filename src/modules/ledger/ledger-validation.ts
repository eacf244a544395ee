import { isCentavoAmount } from 'src/common/money/money';
import { ACCOUNT_CODE } from './account-policy';
import { DEFAULT_CURRENCY, Direction, LedgerInputError, PostInput } from './ledger.types';

export interface NormalizedLeg {
  account: string;
  direction: Direction;
  amount: number;
  currency: string;
}

const CURRENCY = /^[A-Z]{3}$/;
const ID = /^[\x21-\x7e]{1,255}$/;
const TYPE = /^[A-Z][A-Z0-9_]{0,49}$/;

/** An integer number of minor units in 1..10^11 (rejects floats, strings, NaN, negatives, zero). */
export const isValidAmount: (v: unknown) => v is number = isCentavoAmount;

export function assertId(kind: string, id: unknown): asserts id is string {
  if (typeof id !== 'string' || !ID.test(id))
    throw new LedgerInputError('INVALID_ID', `${kind} must be 1–255 printable characters`);
}

export function assertType(type: unknown): asserts type is string {
  if (typeof type !== 'string' || !TYPE.test(type))
    throw new LedgerInputError('INVALID_TYPE', 'type must be an UPPER_SNAKE word');
}

export function assertAccount(code: unknown): asserts code is string {
  if (typeof code !== 'string' || code.length > 200 || !ACCOUNT_CODE.test(code))
    throw new LedgerInputError('INVALID_ACCOUNT', `invalid account code`);
}

export function normalizeCurrency(c: unknown): string {
  const cur = c ?? DEFAULT_CURRENCY;
  if (typeof cur !== 'string' || !CURRENCY.test(cur))
    throw new LedgerInputError('INVALID_CURRENCY', 'currency must be a 3-letter ISO code');
  return cur;
}

/** Checks a journal entry before anything is written: ≥ 2 legs, valid amounts, balanced per currency. */
export function validateEntry(input: PostInput): NormalizedLeg[] {
  assertId('entryId', input.entryId);
  assertType(input.type);
  if (
    input.reference !== undefined &&
    (typeof input.reference !== 'string' || input.reference.length > 255)
  )
    throw new LedgerInputError('INVALID_REFERENCE', 'reference must be at most 255 characters');
  if (!Array.isArray(input.legs) || input.legs.length < 2 || input.legs.length > 64)
    throw new LedgerInputError('INVALID_LEGS', 'an entry needs 2 to 64 legs');
  const sums = new Map<string, number>();
  const legs = input.legs.map((leg): NormalizedLeg => {
    assertAccount(leg.account);
    if (leg.direction !== 'DEBIT' && leg.direction !== 'CREDIT')
      throw new LedgerInputError('INVALID_DIRECTION', 'direction must be DEBIT or CREDIT');
    if (!isValidAmount(leg.amount))
      throw new LedgerInputError(
        'INVALID_AMOUNT',
        'amount must be an integer number of minor units between 1 and 10^11',
      );
    const currency = normalizeCurrency(leg.currency);
    sums.set(
      currency,
      (sums.get(currency) ?? 0) + (leg.direction === 'DEBIT' ? leg.amount : -leg.amount),
    );
    return { account: leg.account, direction: leg.direction, amount: leg.amount, currency };
  });
  for (const [currency, net] of sums)
    if (net !== 0)
      throw new LedgerInputError('UNBALANCED', `debits and credits differ in ${currency}`);
  return legs;
}
