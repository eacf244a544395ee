/** The one list envelope of every list route (contract: `{data: [...], nextCursor}`). */
export interface Page<T> {
  data: T[];
  /** Pass as `?cursor=` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** A list that is always complete in one page (short, bounded lists). */
export function wholeList<T>(data: T[]): Page<T> {
  return { data, nextCursor: null };
}

/**
 * Cut a `limit + 1` query result into a page: the extra row only says another page exists, and the
 * last row's cursor (`cursorOf`) continues after it.
 */
export function pageOf<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  cursorOf: (row: R) => string,
): Page<T> {
  const page = rows.slice(0, limit);
  return {
    data: page.map(map),
    nextCursor: rows.length > limit ? cursorOf(page[page.length - 1]) : null,
  };
}
