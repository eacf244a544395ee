import { writeFileSync } from 'node:fs';
import { Client } from 'pg';

/**
 * Preloaded into the app by a benchmark (`BENCH_APP_NODE_ARGS="-r <dist-bench>/bench/query-counter.js"`):
 * counts every statement sent to PostgreSQL (one `Client.query` = one round trip), by statement text.
 * `kill -USR2 <pid>` writes the counts to BENCH_QUERY_COUNT_FILE and starts again from zero.
 */
const counts = new Map<string, number>();
type Query = (...args: unknown[]) => unknown;
const proto = Client.prototype as unknown as { query: Query };
const original = proto.query;
proto.query = function (this: unknown, ...args: unknown[]): unknown {
  const q = args[0] as string | { text?: string; name?: string } | undefined;
  const text = typeof q === 'string' ? q : (q?.text ?? q?.name ?? '?');
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return original.apply(this, args);
};
process.on('SIGUSR2', () => {
  const file = process.env.BENCH_QUERY_COUNT_FILE;
  if (file) writeFileSync(file, JSON.stringify(Object.fromEntries(counts)));
  counts.clear();
});
