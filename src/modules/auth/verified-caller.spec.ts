import type { TokenService } from './token.service';
import { verifiedCaller } from './jwt-auth.guard';

function tokens(answer: { id: string; role: 'CLIENT' } | null) {
  const verifyAccess = jest.fn((_token: string) => answer);
  return { service: { verifyAccess } as unknown as TokenService, verifyAccess };
}

describe('verifiedCaller', () => {
  it('verifies the Bearer token once per request, however often it is asked', () => {
    const { service, verifyAccess } = tokens({ id: 'u1', role: 'CLIENT' });
    const req = { headers: { authorization: 'Bearer abc.def.ghi' } };
    expect(verifiedCaller(req, service)).toEqual({ id: 'u1', role: 'CLIENT' });
    expect(verifiedCaller(req, service)).toEqual({ id: 'u1', role: 'CLIENT' });
    expect(verifyAccess).toHaveBeenCalledTimes(1);
    expect(verifyAccess).toHaveBeenCalledWith('abc.def.ghi');
  });

  it('remembers a failed verification too (no second attempt on the same request)', () => {
    const { service, verifyAccess } = tokens(null);
    const req = { headers: { authorization: 'Bearer forged' } };
    expect(verifiedCaller(req, service)).toBeNull();
    expect(verifiedCaller(req, service)).toBeNull();
    expect(verifyAccess).toHaveBeenCalledTimes(1);
  });

  it('never shares an answer between requests', () => {
    const { service, verifyAccess } = tokens({ id: 'u1', role: 'CLIENT' });
    const withToken = { headers: { authorization: 'Bearer abc' } };
    const without = { headers: {} };
    expect(verifiedCaller(withToken, service)).toEqual({ id: 'u1', role: 'CLIENT' });
    expect(verifiedCaller(without, service)).toBeNull();
    expect(verifyAccess).toHaveBeenCalledTimes(1);
  });

  it('reads the access cookie when there is no Bearer header', () => {
    const { service, verifyAccess } = tokens({ id: 'u2', role: 'CLIENT' });
    const req = { headers: {}, cookies: { access: 'cookie.jwt' } };
    expect(verifiedCaller(req, service)).toEqual({ id: 'u2', role: 'CLIENT' });
    expect(verifyAccess).toHaveBeenCalledWith('cookie.jwt');
  });
});
