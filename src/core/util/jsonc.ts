// jsonc-parser, loaded on first use. It only explains a refused JSON body and checks a template once
// per send, so activation need not compile it: in the bundles it is dist/vendor/jsonc-parser.js
// (esbuild.mjs), required here on first call (issue #12: adopting it must not slow activation).
import type * as Jsonc from 'jsonc-parser';

let loaded: typeof Jsonc | undefined;

export function jsonc(): typeof Jsonc {
  // A synchronous load: both callers are synchronous, and a local file is read once.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('jsonc-parser') as typeof Jsonc;
  return loaded;
}
