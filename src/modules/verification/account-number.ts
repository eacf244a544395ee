/** Normalises GCash/Maya mobile numbers to `09XXXXXXXXX`; accepts 09…, 9…, 639…, +639… with spaces/dashes. */
export function normaliseMobileNumber(input: string): string | null {
  const s = input.replace(/[\s-]/g, '');
  const m = /^(?:\+?63|0)?(9\d{9})$/.exec(s);
  return m ? `0${m[1]}` : null;
}

/** Bank account numbers: 8–20 digits once spaces and dashes are removed. */
export function normaliseBankAccount(input: string): string | null {
  const s = input.replace(/[\s-]/g, '');
  return /^\d{8,20}$/.test(s) ? s : null;
}

/** Shows only the last four digits, e.g. `*******4567`. */
export function maskAccount(n: string): string {
  return n.length <= 4 ? n : `${'*'.repeat(n.length - 4)}${n.slice(-4)}`;
}
