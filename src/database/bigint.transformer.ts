import type { ValueTransformer } from 'typeorm';

/** `bigint` columns come back from pg as strings; centavos fit safely in a JS number below 2^53. */
export const bigintToNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};
