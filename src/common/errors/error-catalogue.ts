import type { HttpStatus } from '@nestjs/common';

/**
 * One entry of an error catalogue: the stable code the client sees, the HTTP status it always answers
 * with and the default message. The status belongs to the code, not to the throw site.
 */
export interface ErrorDef {
  readonly code: string;
  readonly status: HttpStatus;
  readonly message: string;
}

interface ErrorSpec {
  readonly status: HttpStatus;
  readonly message: string;
  /**
   * The code, when it differs from the entry's name: a code answering two statuses in two
   * situations gets one entry per situation (each still fixes its status).
   */
  readonly code?: string;
}

/**
 * Builds a module's catalogue (`<module>.errors.ts`): entry name → {code, status, message}. The code
 * defaults to the entry's name. A test checks the union of all catalogues against the API document.
 */
export function errorCatalogue<T extends Record<string, ErrorSpec>>(
  specs: T,
): { readonly [K in keyof T]: ErrorDef } {
  const out = {} as Record<string, ErrorDef>;
  for (const [name, spec] of Object.entries(specs))
    out[name] = Object.freeze({
      code: spec.code ?? name,
      status: spec.status,
      message: spec.message,
    });
  return Object.freeze(out) as { readonly [K in keyof T]: ErrorDef };
}
