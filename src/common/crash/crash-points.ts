import { idempotencyContext } from '../idempotency/idempotency-context';

/**
 * Test-only fault injection (ADR 0061): with `CRASH_POINTS=after-commit,…` the process kills itself
 * (SIGKILL: no cleanup, like `kill -9` or a lost node) when a keyed request reaches a named point.
 * Refused in production by the config. Only requests carrying an Idempotency-Key trip a point, so
 * background jobs and the test's own set-up calls never do.
 */
export const CRASH_POINTS = [
  'after-commit',
  'before-gateway-call',
  'after-gateway-call',
  'before-key-complete',
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

export const isCrashPoint = (name: string): name is CrashPoint =>
  (CRASH_POINTS as readonly string[]).includes(name);

const armed = new Set<CrashPoint>();

/** Called once at boot with the validated configuration. */
export function armCrashPoints(names: readonly string[]): void {
  armed.clear();
  for (const n of names) if (isCrashPoint(n)) armed.add(n);
}

/** `keyed`: whether this is a keyed request (defaults to the request's idempotency context). */
export function crashPoint(
  point: CrashPoint,
  keyed: boolean = idempotencyContext.getStore() !== undefined,
): void {
  if (armed.size === 0 || !armed.has(point) || !keyed) return;
  process.stderr.write(`crash point ${point}: killing the process\n`);
  process.kill(process.pid, 'SIGKILL');
}
