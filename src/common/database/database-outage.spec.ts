import { EventEmitter } from 'node:events';
import { DatabaseOutage } from './database-outage';

const released = () =>
  Object.assign(new Error('Query runner already released'), {
    name: 'QueryRunnerAlreadyReleasedError',
  });
const adminShutdown = () =>
  Object.assign(new Error('terminating connection due to administrator command'), {
    code: '57P01',
  });

describe('DatabaseOutage', () => {
  let outage: DatabaseOutage;
  beforeEach(() => (outage = new DatabaseOutage()));
  afterEach(() => outage.onApplicationShutdown());

  it('should treat a released runner as a bug when no connection was lost', () => {
    expect(outage.reportIfUnavailable(released())).toBe(false);
    expect(outage.isDown).toBe(false);
  });

  it('should blame a released runner on a checked-out connection lost before it (pool watched)', () => {
    const pool = Object.assign(new EventEmitter(), { _clients: [new EventEmitter()] });
    outage.watchPool(pool);
    const later = new EventEmitter();
    pool.emit('connect', later);
    // A restart errors the connection a transaction holds (not an idle one: no pool error event).
    later.emit('error', adminShutdown());
    expect(outage.reportIfUnavailable(released())).toBe(true);
    expect(outage.isDown).toBe(true);
  });

  it('should watch connections opened before it started listening', () => {
    const first = new EventEmitter();
    outage.watchPool(Object.assign(new EventEmitter(), { _clients: [first] }));
    first.emit('error', adminShutdown());
    expect(outage.reportIfUnavailable(released())).toBe(true);
  });

  it('should not count a non-connection client error as a loss', () => {
    const pool = Object.assign(new EventEmitter(), { _clients: [] as EventEmitter[] });
    outage.watchPool(pool);
    const c = new EventEmitter();
    pool.emit('connect', c);
    c.emit('error', Object.assign(new Error('syntax error'), { code: '42601' }));
    expect(outage.reportIfUnavailable(released())).toBe(false);
  });
});
