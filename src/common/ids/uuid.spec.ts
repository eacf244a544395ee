import { isUuid } from './uuid';

describe('isUuid', () => {
  it('should accept canonical UUIDs in either case', () => {
    expect(isUuid('3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b')).toBe(true);
    expect(isUuid('3F2B8C1E-9A4D-4E6F-8B2A-1C3D5E7F9A0B')).toBe(true);
  });

  it('should refuse anything a uuid cast in SQL would choke on', () => {
    expect(isUuid('')).toBe(false);
    expect(isUuid('3f2b8c1e9a4d4e6f8b2a1c3d5e7f9a0b')).toBe(false);
    expect(isUuid(' 3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b')).toBe(false);
    expect(isUuid('3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0bx')).toBe(false);
    expect(isUuid("x' OR 1=1 --")).toBe(false);
  });
});
