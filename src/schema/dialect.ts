export const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
