import fc from 'fast-check';
import {
  centavosToPesos,
  formatPesos,
  isCentavoAmount,
  MAX_AMOUNT_CENTAVOS,
  pesosToCentavos,
} from './money';

describe('peso/centavo conversion', () => {
  it('should convert known values exactly', () => {
    expect(centavosToPesos(1999)).toBe(19.99);
    expect(JSON.stringify({ amount: centavosToPesos(1999) })).toBe('{"amount":19.99}');
    expect(centavosToPesos(100)).toBe(1);
    expect(centavosToPesos(5)).toBe(0.05);
    expect(centavosToPesos(10_000_000)).toBe(100000);
    expect(pesosToCentavos(19.99)).toBe(1999);
    expect(pesosToCentavos('1500.5')).toBe(150050);
    expect(pesosToCentavos(1500)).toBe(150000);
  });

  it('should refuse inexact or invalid amounts', () => {
    expect(pesosToCentavos(1.234)).toBeNull();
    expect(pesosToCentavos(-1)).toBeNull();
    expect(pesosToCentavos('1e3')).toBeNull();
    expect(pesosToCentavos(null)).toBeNull();
    expect(() => centavosToPesos(1.5)).toThrow(RangeError);
    expect(() => centavosToPesos(-1)).toThrow(RangeError);
  });

  it('should round-trip every centavo amount up to 10^11 through JSON', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000_000 }), (c) => {
        const wire = JSON.parse(JSON.stringify({ a: centavosToPesos(c) })) as { a: number };
        return pesosToCentavos(wire.a) === c;
      }),
      { numRuns: 5000 },
    );
  });
});

describe('centavo amounts', () => {
  it('should accept only positive integers up to the contract ceiling of 10^11', () => {
    expect(MAX_AMOUNT_CENTAVOS).toBe(10 ** 11);
    expect([1, 50_000, MAX_AMOUNT_CENTAVOS].map(isCentavoAmount)).toEqual([true, true, true]);
    expect(
      [0, -1, 1.5, MAX_AMOUNT_CENTAVOS + 1, '100', NaN, Infinity, null, 2 ** 53].map(
        isCentavoAmount,
      ),
    ).toEqual([false, false, false, false, false, false, false, false, false]);
  });

  it('should format centavos for display', () => {
    expect(formatPesos(123_456)).toBe('₱1,234.56');
    expect(formatPesos(5)).toBe('₱0.05');
    expect(formatPesos(-100)).toBe('-₱1.00');
  });
});
