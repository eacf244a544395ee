import type { DataSource } from 'typeorm';
import { UnitOfWork } from './unit-of-work';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });
const FAST = { attempts: 3, baseMs: 1, capMs: 1 };

describe('UnitOfWork.runStatement', () => {
  const uow = new UnitOfWork({} as DataSource);

  it('should run a statement that failed on a deadlock or serialization failure again', async () => {
    const failures = [pgError('40P01'), pgError('40001')];
    let calls = 0;
    const value = await uow.runStatement(
      'test',
      () => {
        calls++;
        const failure = failures.shift();
        return failure ? Promise.reject(failure) : Promise.resolve('done');
      },
      FAST,
    );
    expect([value, calls]).toEqual(['done', 3]);
  });

  it('should give up after the policy attempts, and never retry other errors', async () => {
    let calls = 0;
    await expect(
      uow.runStatement('test', () => (calls++, Promise.reject(pgError('40001'))), FAST),
    ).rejects.toMatchObject({ code: '40001' });
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      uow.runStatement('test', () => (calls++, Promise.reject(pgError('JD001'))), FAST),
    ).rejects.toMatchObject({ code: 'JD001' });
    expect(calls).toBe(1);
  });
});
