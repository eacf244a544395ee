import type { Socket } from 'socket.io-client';
import { RealtimePublisher } from 'src/modules/realtime/realtime.publisher';
import { registerUser, TestUser } from '../support/auth-helpers';
import { connectSocket, nextEvent, recordEvents } from '../support/socket-helpers';
import { createTestApp, TestApp } from '../support/test-app';

describe('Realtime (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    a = await createTestApp();
    // A second instance on the same database and the same Redis key space.
    b = await createTestApp({ databaseUrl: a.databaseUrl, redisPrefix: a.redisPrefix });
    alice = await registerUser(a.url, 'CLIENT');
    bob = await registerUser(a.url, 'WORKER');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await b.close();
    await a.close();
  });
  const track = (s: Socket) => {
    sockets.push(s);
    return s;
  };

  it('should refuse sockets without a valid access token', async () => {
    await expect(connectSocket(a.url, {})).rejects.toThrow('unauthorized');
    await expect(connectSocket(a.url, { token: 'not-a-jwt' })).rejects.toThrow('unauthorized');
    await expect(connectSocket(a.url, { token: alice.refreshToken })).rejects.toThrow(
      'unauthorized',
    );
  });

  it('should refuse a cookie handshake from another origin or with no origin, but not a token one', async () => {
    const cookie = `access=${alice.accessToken}`;
    await expect(connectSocket(a.url, { cookie, origin: 'https://evil.example' })).rejects.toThrow(
      'origin not allowed',
    );
    await expect(connectSocket(a.url, { cookie })).rejects.toThrow('origin not allowed');
    const ok = track(
      await connectSocket(a.url, { token: alice.accessToken, origin: 'https://evil.example' }),
    );
    expect(ok.connected).toBe(true);
  });

  it("should deliver a user's events to that user only (token or cookie handshake)", async () => {
    const sa = track(await connectSocket(a.url, { token: alice.accessToken }));
    const sb = track(
      await connectSocket(a.url, { cookie: `access=${bob.accessToken}`, origin: a.url }),
    );
    const bobSaw = recordEvents(sb);
    const publisher = a.app.get(RealtimePublisher);

    const gotA = nextEvent(sa, 'wallet.updated');
    publisher.publish(alice.id, 'wallet.updated', {
      balance: 150_000,
      reserved: 0,
      available: 150_000,
      pendingEarnings: 0,
    });
    expect(await gotA).toEqual({
      balance: 150_000,
      reserved: 0,
      available: 150_000,
      pendingEarnings: 0,
    });

    // Bob's own event arrives after Alice's on the same server: if Alice's were leaking, he'd have it first.
    const gotB = nextEvent(sb, 'transaction.updated');
    publisher.publish(bob.id, 'transaction.updated', {
      id: 't1',
      type: 'DEPOSIT',
      status: 'COMPLETED',
      amount: 1,
    });
    await gotB;
    expect(bobSaw).toEqual([
      {
        event: 'transaction.updated',
        payload: { id: 't1', type: 'DEPOSIT', status: 'COMPLETED', amount: 1 },
      },
    ]);
  });

  it('should reach a socket connected to another instance through Redis', async () => {
    const onB = track(await connectSocket(b.url, { token: alice.accessToken }));
    const got = nextEvent(onB, 'payment-method.updated');
    a.app
      .get(RealtimePublisher)
      .publish(alice.id, 'payment-method.updated', { id: 'pm1', isVerified: true });
    expect(await got).toEqual({ id: 'pm1', isVerified: true });
  });
});

describe('Realtime without Redis (e2e)', () => {
  let t: TestApp;
  afterAll(() => t.close());

  it('should still deliver in-process', async () => {
    t = await createTestApp({ noRedis: true });
    const u = await registerUser(t.url, 'AGENCY');
    const s = await connectSocket(t.url, { token: u.accessToken });
    const got = nextEvent(s, 'wallet.updated');
    t.app.get(RealtimePublisher).publish(u.id, 'wallet.updated', {
      balance: 1,
      reserved: 0,
      available: 1,
      pendingEarnings: 0,
    });
    expect(await got).toMatchObject({ balance: 1 });
    s.close();
  });
});
