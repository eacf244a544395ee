import { bearer, createPaymentsClient } from '../../client';
import { createTestApp, TestApp } from '../support/test-app';

/** The generated client (client/, from openapi.json) against the real app: what a frontend does. */
describe('Typed API client (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('should register, deposit, pay on the sandbox checkout page and see the wallet credited', async () => {
    const api = createPaymentsClient(t.url);
    const registered = await api.POST('/api/auth/register', {
      body: {
        email: `client-${Date.now()}@example.com`,
        password: 'typed client password',
        name: 'Typed Client',
        role: 'CLIENT',
      },
    });
    expect(registered.response.status).toBe(201);
    const session = registered.data!;
    expect(session.user.role).toBe('CLIENT');
    api.use(bearer(session.accessToken));

    const deposit = await api.POST('/api/wallet/deposit', {
      body: { amount: 50_000 },
      params: { header: { 'Idempotency-Key': `typed-${session.user.id}` } },
    });
    expect(deposit.response.status).toBe(201);
    const { checkoutUrl, checkoutId, transaction } = deposit.data!;
    expect(transaction).toMatchObject({ type: 'DEPOSIT', status: 'PENDING', amount: 50_000 });
    expect(checkoutUrl).toBe(`${t.url}/sandbox/checkout/${checkoutId}`);

    // The customer opens the hosted checkout page and presses "Pay" (its plain HTML form).
    const page = await fetch(checkoutUrl);
    expect(await page.text()).toContain(`action="/sandbox/checkout/${checkoutId}/pay"`);
    const paid = await fetch(`${t.url}/sandbox/checkout/${checkoutId}/pay`, { method: 'POST' });
    expect(paid.status).toBe(200);

    const deadline = Date.now() + 30_000;
    let wallet = (await api.GET('/api/wallet')).data!;
    while (wallet.balance !== 50_000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      wallet = (await api.GET('/api/wallet')).data!;
    }
    expect(wallet).toMatchObject({ balance: 50_000, reserved: 0, available: 50_000 });

    const txns = await api.GET('/api/wallet/transactions', { params: { query: { limit: 10 } } });
    expect(txns.data).toEqual({
      data: [expect.objectContaining({ id: transaction.id, status: 'COMPLETED' })],
      nextCursor: null,
    });
    const one = await api.GET('/api/wallet/transactions/{id}', {
      params: { path: { id: transaction.id } },
    });
    expect(one.data).toMatchObject({ id: transaction.id, amount: 50_000, status: 'COMPLETED' });
  });

  it('should surface errors in the documented error shape', async () => {
    const api = createPaymentsClient(t.url);
    const res = await api.GET('/api/wallet');
    expect(res.response.status).toBe(401);
    expect(res.error).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
  });
});
