import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateApiDocument, serializeApiDocument } from './api-document';
import { API_DOCUMENT_VERSION } from '../common/http/api-docs';

/**
 * `npm run openapi:generate`: rewrites the committed `openapi.json` from the code (no database
 * needed). Run it after changing a route or DTO; a test fails while the file is stale.
 */
async function main(): Promise<void> {
  const doc = await generateApiDocument(API_DOCUMENT_VERSION);
  const target = resolve(__dirname, '..', '..', 'openapi.json');
  writeFileSync(target, serializeApiDocument(doc));
  const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  console.log(`openapi.json: ${operations} operations`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
