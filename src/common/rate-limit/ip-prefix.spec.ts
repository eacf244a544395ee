import { ipLimitKey } from './ip-prefix';

describe('ipLimitKey', () => {
  it('should key IPv4 (and IPv4-mapped IPv6) by the address', () => {
    expect(ipLimitKey('203.0.113.7')).toBe('203.0.113.7');
    expect(ipLimitKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('should key every address of one IPv6 /64 alike, and different /64s apart', () => {
    const a = ipLimitKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd');
    expect(a).toBe('2001:db8:1:2::/64');
    expect(ipLimitKey('2001:0db8:0001:0002::1')).toBe(a);
    expect(ipLimitKey('2001:db8:1:2::ffff:1')).toBe(a);
    expect(ipLimitKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(ipLimitKey('::1')).toBe('0:0:0:0::/64');
    expect(ipLimitKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('should leave anything that is not an IP unchanged', () => {
    expect(ipLimitKey('unknown')).toBe('unknown');
  });
});
