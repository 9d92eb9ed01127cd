// Swagger 2.0 definitions (copied verbatim into test/fixtures/specs/, see its README) as JSON Schema
// 2020-12 for ajv, strict about undeclared members: a peer answer with a member the published
// contract does not declare fails, as does one missing a required member or with a wrong type or enum.
//
// Translation: every definition X becomes `X.core` (as written) and `X` (= core + unevaluatedProperties:
// false). References from a definition's own allOf point to `.core` (so a derived type can add
// members); every other reference points to the strict form. A base with a `discriminator` dispatches
// on it to its subtypes (those naming it in allOf; value from x-ms-discriminator-value, else the name).
// Inline object schemas are strict too. x-ms-* annotations and `example` are dropped; an enum marked
// `x-ms-enum.modelAsString: true` is open ("additional values may be added over time"), as AutoRest
// reads it, so only its type is checked.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

type Json = Record<string, unknown>;

function walkFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walkFiles(path) : name.endsWith('.json') ? [path] : [];
  });
}

const idOf = (file: string, name: string): string => `${file.replace(/[^A-Za-z0-9]/g, '_')}__${name}`;

export interface SpecSchemas {
  /** A validator for `file#Definition` (file relative to the fixture root, e.g. `eventstream/definitions/topology.json`). */
  validator(ref: string): ValidateFunction;
  /** Errors of `value` against `file#Definition`, as one string ('' when valid). */
  errors(ref: string, value: unknown): string;
  /** An example file's parsed JSON. */
  example(path: string): Json;
}

export function loadSpecSchemas(root: string): SpecSchemas {
  const defs: Record<string, unknown> = {};
  const files = walkFiles(root).filter((f) => !f.includes(`${join('/', 'examples')}/`) && !f.endsWith('README.md'));
  const all = new Map<string, Record<string, Json>>();
  for (const path of files) {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { definitions?: Record<string, Json> };
    if (parsed.definitions) {
      all.set(relative(root, path).split('\\').join('/'), parsed.definitions);
    }
  }
  const target = (fromFile: string, ref: string): [string, string] => {
    const [file = '', pointer = ''] = ref.split('#');
    const resolved = file ? normalize(join(dirname(fromFile), file)).split('\\').join('/') : fromFile;
    return [resolved, pointer.replace(/^\/definitions\//, '')];
  };
  const convert = (file: string, node: unknown, context: 'definition' | 'allOf' | 'inline'): unknown => {
    if (Array.isArray(node)) {
      return node.map((n) => convert(file, n, 'inline'));
    }
    if (typeof node !== 'object' || node === null) {
      return node;
    }
    const out: Json = {};
    const openEnum = ((node as Json)['x-ms-enum'] as { modelAsString?: boolean } | undefined)?.modelAsString === true;
    for (const [key, value] of Object.entries(node as Json)) {
      if (key.startsWith('x-') || key === 'discriminator' || key === 'example' || (key === 'enum' && openEnum)) {
        continue;
      }
      if (key === '$ref' && typeof value === 'string') {
        const [f, name] = target(file, value);
        if (!all.get(f)?.[name]) {
          throw new Error(`unresolved $ref ${value} in ${file}`);
        }
        out['$ref'] = `#/$defs/${idOf(f, name)}${context === 'allOf' ? '.core' : ''}`;
      } else if (key === 'allOf' && Array.isArray(value)) {
        out['allOf'] = value.map((n) => convert(file, n, 'allOf'));
      } else if (key === 'properties' && typeof value === 'object' && value !== null) {
        out['properties'] = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, convert(file, v, 'inline')]));
      } else {
        out[key] = convert(file, value, 'inline');
      }
    }
    if (context === 'inline' && out['properties'] !== undefined && out['additionalProperties'] === undefined && out['$ref'] === undefined) {
      out['unevaluatedProperties'] = false;
    }
    return out;
  };
  for (const [file, definitions] of all) {
    for (const [name, definition] of Object.entries(definitions)) {
      const id = idOf(file, name);
      defs[`${id}.core`] = convert(file, definition, 'definition');
      const discriminator = typeof definition['discriminator'] === 'string' ? definition['discriminator'] : undefined;
      if (!discriminator) {
        defs[id] = { $ref: `#/$defs/${id}.core`, unevaluatedProperties: false };
        continue;
      }
      const subtypes = Object.entries(definitions).filter(([, d]) =>
        ((d['allOf'] as Json[] | undefined) ?? []).some((a) => typeof a['$ref'] === 'string' && target(file, a['$ref']).join('#') === `${file}#${name}`),
      );
      defs[id] = {
        allOf: [
          { $ref: `#/$defs/${id}.core` },
          ...subtypes.map(([subName, sub]) => ({
            if: { properties: { [discriminator]: { const: (sub['x-ms-discriminator-value'] as string | undefined) ?? subName } }, required: [discriminator] },
            then: { $ref: `#/$defs/${idOf(file, subName)}.core` },
          })),
        ],
        unevaluatedProperties: false,
      };
    }
  }
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat('uri', { validate: (s: string) => URL.canParse(s) });
  for (const numeric of ['int32', 'int64', 'double', 'float']) {
    ajv.addFormat(numeric, { type: 'number', validate: () => true });
  }
  ajv.addSchema({ $id: 'spec', $defs: defs });
  const cache = new Map<string, ValidateFunction>();
  const validator = (ref: string): ValidateFunction => {
    const [file = '', name = ''] = ref.split('#');
    if (!all.get(file)?.[name]) {
      throw new Error(`no definition ${ref} in the fixtures`);
    }
    let found = cache.get(ref);
    if (!found) {
      found = ajv.compile({ $ref: `spec#/$defs/${idOf(file, name)}` });
      cache.set(ref, found);
    }
    return found;
  };
  return {
    validator,
    errors(ref, value) {
      const validate = validator(ref);
      return validate(value) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
    },
    example: (path) => JSON.parse(readFileSync(join(root, path), 'utf8')) as Json,
  };
}
