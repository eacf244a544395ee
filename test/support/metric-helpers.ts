import type {
  afterCommitFailures,
  unitOfWorkRetries,
} from 'src/common/database/unit-of-work.metrics';

/** A unit-of-work counter's current value for one unit name (summed over its other labels). */
export async function counterValue(
  counter: typeof unitOfWorkRetries | typeof afterCommitFailures,
  name: string,
): Promise<number> {
  const m = await counter.get();
  return m.values.filter((v) => v.labels.name === name).reduce((sum, v) => sum + v.value, 0);
}
