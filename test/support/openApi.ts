import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';

export interface ServedOpenApi {
  document: any;
  /** A compiled validator of one of the document's component schemas (`#/components/schemas/<name>`). */
  schemaOf(name: string): ValidateFunction;
  /** Checks the document itself against the OpenAPI 3.1 specification's schema. */
  expectValidDocument(): Promise<void>;
}

/**
 * Fetches an OpenAPI 3.1 document a route serves and compiles its schemas with a real JSON Schema 2020-12
 * validator, so a test can hold the document and the implementation to each other: what the document
 * accepts the server takes, what it refuses the server refuses.
 */
export async function servedOpenApi(url: string): Promise<ServedOpenApi> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const document = (await response.json()) as any;
  // OpenAPI 3.1 schemas are JSON Schema 2020-12; the document's own keys are not schema keywords.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const id = `openapi-${url}`;
  ajv.addSchema({ ...document, $id: id });
  return {
    document,
    schemaOf: (name) => {
      const schema = ajv.getSchema(`${id}#/components/schemas/${name}`);
      if (!schema) throw new Error(`the document has no schema ${name}`);
      return schema;
    },
    async expectValidDocument() {
      const result = await new Validator().validate(structuredClone(document));
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      expect(document.openapi).toBe('3.1.0');
    },
  };
}
