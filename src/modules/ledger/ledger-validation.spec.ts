import { accountPolicy } from './account-policy';
import { LedgerInputError, PostInput } from './ledger.types';
import { isValidAmount, validateEntry } from './ledger-validation';

const entry = (legs: unknown[], extra: Partial<PostInput> = {}): PostInput =>
  ({ entryId: 'e-1', type: 'PAYMENT', legs, ...extra }) as PostInput;
const leg = (account: string, direction: string, amount: unknown, currency?: string) => ({
  account,
  direction,
  amount,
  ...(currency ? { currency } : {}),
});
const reasonOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof LedgerInputError) return err.reason;
    throw err;
  }
  return 'OK';
};

describe('validateEntry', () => {
  it('should accept a balanced entry and default the currency to PHP', () => {
    expect(
      validateEntry(
        entry([leg('wallet:a:available', 'DEBIT', 5), leg('platform:fees', 'CREDIT', 5)]),
      ),
    ).toEqual([
      { account: 'wallet:a:available', direction: 'DEBIT', amount: 5, currency: 'PHP' },
      { account: 'platform:fees', direction: 'CREDIT', amount: 5, currency: 'PHP' },
    ]);
  });

  it.each([
    ['negative', -1, 'INVALID_AMOUNT'],
    ['zero', 0, 'INVALID_AMOUNT'],
    ['fractional', 1.5, 'INVALID_AMOUNT'],
    ['string', '5', 'INVALID_AMOUNT'],
    ['NaN', NaN, 'INVALID_AMOUNT'],
    ['above 10^11', 100_000_000_001, 'INVALID_AMOUNT'],
  ])('should refuse a %s amount', (_name, amount, reason) => {
    expect(
      reasonOf(() => validateEntry(entry([leg('a', 'DEBIT', amount), leg('b', 'CREDIT', amount)]))),
    ).toBe(reason);
  });

  it('should accept exactly 10^11', () => {
    expect(isValidAmount(100_000_000_000)).toBe(true);
  });

  it('should refuse unbalanced and cross-currency entries, single legs and bad fields', () => {
    expect(
      reasonOf(() => validateEntry(entry([leg('a', 'DEBIT', 5), leg('b', 'CREDIT', 4)]))),
    ).toBe('UNBALANCED');
    expect(
      reasonOf(() =>
        validateEntry(entry([leg('a', 'DEBIT', 5, 'USD'), leg('b', 'CREDIT', 5, 'EUR')])),
      ),
    ).toBe('UNBALANCED');
    expect(reasonOf(() => validateEntry(entry([leg('a', 'DEBIT', 5)])))).toBe('INVALID_LEGS');
    expect(reasonOf(() => validateEntry(entry([leg('a', 'UP', 5), leg('b', 'CREDIT', 5)])))).toBe(
      'INVALID_DIRECTION',
    );
    expect(
      reasonOf(() => validateEntry(entry([leg('a b', 'DEBIT', 5), leg('b', 'CREDIT', 5)]))),
    ).toBe('INVALID_ACCOUNT');
    expect(
      reasonOf(() =>
        validateEntry(entry([leg('a', 'DEBIT', 5, 'usd'), leg('b', 'CREDIT', 5, 'usd')])),
      ),
    ).toBe('INVALID_CURRENCY');
    expect(
      reasonOf(() =>
        validateEntry(entry([leg('a', 'DEBIT', 5), leg('b', 'CREDIT', 5)], { entryId: '' })),
      ),
    ).toBe('INVALID_ID');
    expect(
      reasonOf(() =>
        validateEntry(entry([leg('a', 'DEBIT', 5), leg('b', 'CREDIT', 5)], { type: 'pay' })),
      ),
    ).toBe('INVALID_TYPE');
  });
});

describe('accountPolicy', () => {
  it('should forbid negatives on wallets and escrow only', () => {
    expect(accountPolicy('wallet:u:available')).toEqual({ normalSide: 'CREDIT', noNegative: true });
    expect(accountPolicy('wallet:u:pending').noNegative).toBe(true);
    expect(accountPolicy('escrow:job-1').noNegative).toBe(true);
    expect(accountPolicy('gateway:paymongo:clearing')).toEqual({
      normalSide: 'DEBIT',
      noNegative: false,
    });
    expect(accountPolicy('platform:fees').noNegative).toBe(false);
    expect(accountPolicy('payouts:in_transit').noNegative).toBe(false);
  });
});
