import { maskAccount, normaliseBankAccount, normaliseMobileNumber } from './account-number';

describe('account numbers', () => {
  it('should normalise every accepted mobile form to 09XXXXXXXXX', () => {
    for (const v of [
      '09171234567',
      '9171234567',
      '639171234567',
      '+639171234567',
      '+63 917-123-4567',
    ])
      expect(normaliseMobileNumber(v)).toBe('09171234567');
  });
  it('should refuse malformed mobile numbers', () => {
    for (const v of [
      '0817123456',
      '08171234567',
      '0917123456',
      '091712345678',
      '+649171234567',
      'abc',
      '',
    ])
      expect(normaliseMobileNumber(v)).toBeNull();
  });
  it('should accept 8–20 digit bank accounts only', () => {
    expect(normaliseBankAccount('1234-5678')).toBe('12345678');
    expect(normaliseBankAccount('1234567')).toBeNull();
    expect(normaliseBankAccount('1'.repeat(21))).toBeNull();
    expect(normaliseBankAccount('12345678a')).toBeNull();
  });
  it('should mask all but the last four digits', () => {
    expect(maskAccount('09171234567')).toBe('*******4567');
  });
});
