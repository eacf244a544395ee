import request from 'supertest';
import { UsersService } from 'src/modules/users/users.service';
import type { TestApp } from './test-app';

/** Turns sandbox knobs (see src/modules/sandbox/sandbox.types.ts). */
export async function sandboxControls(
  url: string,
  controls: Record<string, unknown>,
): Promise<void> {
  await request(url).post('/sandbox/_control/controls').send(controls).expect(200);
}

export interface SandboxDelivery {
  eventId: string;
  eventType: string;
  state: string;
  attempts: Array<{ status: number | null }>;
}

/** Acts as the customer; resolves after the resulting webhooks were delivered or given up on. */
export async function sandboxAct(
  url: string,
  checkoutId: string,
  action: 'pay' | 'fail' | 'expire',
  body: Record<string, unknown> = {},
): Promise<SandboxDelivery[]> {
  const res = await request(url)
    .post(`/sandbox/_control/checkouts/${checkoutId}/${action}`)
    .send(body)
    .expect(200);
  return (res.body as { deliveries: SandboxDelivery[] }).deliveries;
}

export async function createAdmin(t: TestApp): Promise<{ accessToken: string; id: string }> {
  const email = `admin-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const password = 'admin password long enough';
  const user = await t.app
    .get(UsersService)
    .create({ email, password, name: 'Admin', role: 'ADMIN' });
  const res = await request(t.url).post('/api/auth/login').send({ email, password }).expect(200);
  return { id: user.id, accessToken: (res.body as { accessToken: string }).accessToken };
}
