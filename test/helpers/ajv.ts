import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** The independent validator: ajv's 2020-12 dialect, strict, with the standard formats asserted. */
export function independentAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  // The contract keeps uuid an annotation (the documents' own examples are not UUIDs): noted, never failed.
  ajv.addFormat('uuid', true);
  return ajv;
}
