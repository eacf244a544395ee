import { randomBytes } from 'node:crypto';
import request from 'supertest';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: string;
  accessToken: string;
  refreshToken: string;
}

export async function registerUser(
  baseUrl: string,
  role = 'CLIENT',
  overrides: Partial<{ email: string; password: string; name: string }> = {},
): Promise<TestUser> {
  const email = overrides.email ?? `u-${randomBytes(5).toString('hex')}@example.com`;
  const password = overrides.password ?? 'correct horse battery staple';
  const res = await request(baseUrl)
    .post('/api/auth/register')
    .send({ email, password, name: overrides.name ?? 'Test User', role })
    .expect(201);
  const body = res.body as { user: { id: string }; accessToken: string; refreshToken: string };
  return {
    id: body.user.id,
    email,
    password,
    role,
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
  };
}

export const bearer = (u: { accessToken: string }) => ({
  Authorization: `Bearer ${u.accessToken}`,
});
