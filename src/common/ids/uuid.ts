/** The canonical textual UUID (any version), case-insensitive. The one copy in the codebase. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Malformed ids are answered like unknown ones (404), so they never reach a uuid cast in SQL. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
