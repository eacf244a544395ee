import { parseAdminArgs } from './admin-args';

describe('parseAdminArgs', () => {
  it('should accept email and password, defaulting the name', () => {
    expect(parseAdminArgs(['--email', ' a@b.co ', '--password', '0123456789'], {})).toEqual({
      ok: true,
      args: { email: 'a@b.co', password: '0123456789', name: 'Administrator' },
    });
  });

  it('should prefer --password over ADMIN_PASSWORD and fall back to it', () => {
    const env = { ADMIN_PASSWORD: 'from-env-password' };
    expect(parseAdminArgs(['--email', 'a@b.co'], env)).toMatchObject({
      args: { password: 'from-env-password' },
    });
    expect(
      parseAdminArgs(['--email', 'a@b.co', '--password', 'from-flag-pass'], env),
    ).toMatchObject({ args: { password: 'from-flag-pass' } });
  });

  it('should list every problem without echoing the password', () => {
    const r = parseAdminArgs(['--email', 'nope', '--password', 'short', '--name', ''], {});
    expect(r).toEqual({
      ok: false,
      problems: [
        '--email "nope" is not a valid email address',
        '--password must be at least 10 characters',
        '--name must be 1 to 120 characters',
      ],
    });
    expect(JSON.stringify(r)).not.toContain('short"');
  });

  it('should reject unknown options and positionals', () => {
    expect(parseAdminArgs(['--role', 'ADMIN'], {})).toMatchObject({ ok: false });
    expect(parseAdminArgs(['a@b.co'], {})).toMatchObject({ ok: false });
  });
});
