import {
  parsePaymongoSignature,
  paymongoSignatureHex,
  signPaymongoWebhook,
  verifyPaymongoSignature,
  verifyXenditCallbackToken,
} from './webhook-signatures';

// Reference vector (computed independently with Python hmac and Node crypto).
const SECRET = 'whsk_test_SimulatorSecret123';
const T = 1700000000;
const BODY =
  '{"data":{"id":"evt_sim001","type":"event","attributes":{"type":"checkout_session.payment.paid","livemode":false,"data":{"id":"cs_sim001","type":"checkout_session","attributes":{}},"previous_data":{},"pending_webhooks":1,"created_at":1700000000,"updated_at":1700000000}}}';
const EXPECTED = '2eaeeaa23a2a00d7e64fd1271c5c9e4ca2d37f8a3321be32840690dc57fcc7e9';
const HEADER = `t=${T},te=${EXPECTED},li=`;

const base = {
  header: HEADER,
  rawBody: Buffer.from(BODY, 'utf8'),
  secret: SECRET,
  livemode: false,
  expectLive: false,
  nowSeconds: T + 10,
  toleranceSeconds: 300,
};

describe('PayMongo signature', () => {
  it('should reproduce the reference test vector exactly', () => {
    expect(Buffer.byteLength(BODY)).toBe(270);
    expect(paymongoSignatureHex(SECRET, T, BODY)).toBe(EXPECTED);
    expect(signPaymongoWebhook(SECRET, BODY, { t: T, livemode: false })).toBe(HEADER);
    expect(verifyPaymongoSignature(base)).toEqual({ ok: true });
  });

  it('should fail when one byte of the body changes (appended space → 8d01d6e9…)', () => {
    expect(paymongoSignatureHex(SECRET, T, `${BODY} `).startsWith('8d01d6e9')).toBe(true);
    expect(verifyPaymongoSignature({ ...base, rawBody: Buffer.from(`${BODY} `) })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    const flipped = Buffer.from(BODY);
    flipped[100] ^= 1;
    expect(verifyPaymongoSignature({ ...base, rawBody: flipped }).ok).toBe(false);
  });

  it('should reject stale and future timestamps outside the tolerance, and accept the edges', () => {
    expect(verifyPaymongoSignature({ ...base, nowSeconds: T + 301 })).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyPaymongoSignature({ ...base, nowSeconds: T - 301 })).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyPaymongoSignature({ ...base, nowSeconds: T + 300 }).ok).toBe(true);
    expect(verifyPaymongoSignature({ ...base, nowSeconds: T - 300 }).ok).toBe(true);
  });

  it('should never accept a test signature for a live event, nor a live signature with a test key', () => {
    // Live event, signature only in te: rejected even though te is a valid HMAC.
    expect(verifyPaymongoSignature({ ...base, livemode: true, expectLive: true })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    // Live event arriving at a service holding a test key.
    const live = `t=${T},te=,li=${EXPECTED}`;
    expect(verifyPaymongoSignature({ ...base, header: live, livemode: true })).toEqual({
      ok: false,
      reason: 'mode',
    });
    // Test event at a live-key service.
    expect(verifyPaymongoSignature({ ...base, expectLive: true })).toEqual({
      ok: false,
      reason: 'mode',
    });
    // The live slot is used for live events.
    expect(
      verifyPaymongoSignature({ ...base, header: live, livemode: true, expectLive: true }),
    ).toEqual({ ok: true });
    // A test event whose signature sits only in li is not accepted.
    expect(verifyPaymongoSignature({ ...base, header: `t=${T},te=,li=${EXPECTED}` }).ok).toBe(
      false,
    );
  });

  it('should reject a missing or malformed header and a wrong secret', () => {
    expect(verifyPaymongoSignature({ ...base, header: undefined })).toEqual({
      ok: false,
      reason: 'missing',
    });
    for (const bad of ['', 'garbage', `te=${EXPECTED}`, `t=abc,te=${EXPECTED}`, `t=${T},t=${T}`])
      expect(verifyPaymongoSignature({ ...base, header: bad }).ok).toBe(false);
    expect(
      verifyPaymongoSignature({ ...base, header: `t=${T},te=${EXPECTED.toUpperCase()},li=` }).ok,
    ).toBe(false);
    expect(
      verifyPaymongoSignature({ ...base, header: `t=${T},te=${EXPECTED.slice(2)},li=` }).ok,
    ).toBe(false);
    expect(verifyPaymongoSignature({ ...base, secret: 'whsk_test_other' })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('should parse parts in any order, splitting on the first "="', () => {
    expect(parsePaymongoSignature(`li=,te=a=b,t=${T}`)).toEqual({ t: T, te: 'a=b', li: '' });
  });
});

describe('Xendit callback token', () => {
  it('should accept only the exact token', () => {
    expect(verifyXenditCallbackToken('tok-123', 'tok-123')).toBe(true);
    expect(verifyXenditCallbackToken('tok-124', 'tok-123')).toBe(false);
    expect(verifyXenditCallbackToken('tok-12', 'tok-123')).toBe(false);
    expect(verifyXenditCallbackToken(undefined, 'tok-123')).toBe(false);
    expect(verifyXenditCallbackToken('', '')).toBe(false);
  });
});
