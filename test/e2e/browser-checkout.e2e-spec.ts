import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';
import { registerUser } from '../support/auth-helpers';
import { startDeposit, transactionOf, walletOf } from '../support/payment-helpers';
import { createTestApp, TestApp } from '../support/test-app';

/** Debian's `chromium` package (CI installs it); headless, no sandbox (CI runs as root). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('Sandbox checkout page in a real browser (e2e)', () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
    t = await createTestApp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('should let a person pay on the hosted page and see the balance change over the API', async () => {
    const u = await registerUser(t.url, 'CLIENT');
    const d = await startDeposit(t.url, u, 123_456);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(d.checkoutUrl);
    expect(await page.textContent('#amount')).toBe('₱1,234.56');
    await Promise.all([
      page.waitForURL(`**/sandbox/checkout/${d.checkoutId}/pay`),
      page.click('#pay'),
    ]);
    await page.waitForSelector('#result[data-state="paid"]');
    expect(await page.textContent('#result')).toBe('Payment successful');
    expect(errors).toEqual([]);
    await page.close();
    expect(await walletOf(t.url, u)).toMatchObject({ balance: 123_456, available: 123_456 });
    expect((await transactionOf(t.url, u, d.transaction.id)).status).toBe('COMPLETED');
  });

  it('should let a person fail an attempt, then pay in the same checkout: credited once', async () => {
    const u = await registerUser(t.url, 'WORKER');
    const d = await startDeposit(t.url, u, 5_000);
    const page = await browser.newPage();
    await page.goto(d.checkoutUrl);
    await Promise.all([page.waitForURL(`**/fail`), page.click('#fail')]);
    // As on PayMongo's page, the checkout stays open after a failed attempt.
    await page.waitForSelector('#result[data-state="attempt-failed"]');
    expect((await transactionOf(t.url, u, d.transaction.id)).status).toBe('PENDING');
    expect((await walletOf(t.url, u)).balance).toBe(0);
    await Promise.all([page.waitForURL(`**/pay`), page.click('#pay')]);
    await page.waitForSelector('#result[data-state="paid"]');
    await page.close();
    expect((await walletOf(t.url, u)).balance).toBe(5_000);
    expect((await transactionOf(t.url, u, d.transaction.id)).status).toBe('COMPLETED');
  });
});
