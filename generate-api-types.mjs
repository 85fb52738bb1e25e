/**
 * Generates src/generated/openapi.ts, the wire types of the REST API, from the server's
 * OpenAPI description (jupyter_rbac/openapi.yaml). `jlpm build` and `jlpm test` run it before
 * `tsc`, so a client that no longer matches the spec fails to compile. The output is git-ignored:
 * the spec is the one source.
 *
 * openapi-typescript ignores the siblings of a `$ref` (valid in OpenAPI 3.1, and how the spec
 * extends `Versioned`, `Paging`, `TokenFields` and `Invitation`); such a schema is rewritten as
 * `allOf: [{$ref}, {siblings}]` first, which means the same.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';
import { parse } from 'yaml';

// Another spec and output may be given (to try a change of the spec): `node ... SPEC OUTPUT`.
const [
  SPEC = 'jupyter_rbac/openapi.yaml',
  OUTPUT = 'src/generated/openapi.ts'
] = process.argv.slice(2);
/** Siblings of a `$ref` that openapi-typescript already reads (or that change no type). */
const ANNOTATIONS = new Set([
  '$ref',
  'description',
  'title',
  'examples',
  'deprecated'
]);

function withoutRefSiblings(node) {
  if (Array.isArray(node)) {
    return node.map(withoutRefSiblings);
  }
  if (node === null || typeof node !== 'object') {
    return node;
  }
  const copy = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, withoutRefSiblings(value)])
  );
  if (typeof copy.$ref !== 'string') {
    return copy;
  }
  const extra = Object.keys(copy).filter(key => !ANNOTATIONS.has(key));
  if (extra.length === 0) {
    return copy;
  }
  const { $ref, description, ...rest } = copy;
  delete rest.unevaluatedProperties; // it concerns the whole of the allOf, not one part
  return {
    ...(description === undefined ? {} : { description }),
    allOf: [{ $ref }, rest]
  };
}

const spec = withoutRefSiblings(parse(readFileSync(SPEC, 'utf8')));
const ast = await openapiTS(spec, { alphabetize: false });
const header =
  '/**\n * Generated from jupyter_rbac/openapi.yaml by generate-api-types.mjs' +
  ' (openapi-typescript).\n * Do not edit: change the spec and run `jlpm build:types`.\n */\n';
const text = await prettier.format(header + astToString(ast), {
  ...(await prettier.resolveConfig(OUTPUT)),
  filepath: OUTPUT
});
mkdirSync(dirname(OUTPUT), { recursive: true });
writeFileSync(OUTPUT, text);
