// Copies the part of a Swagger 2.0 spec repository that a set of root definitions needs (their
// transitive $ref closure, and the subtypes of any discriminated base) into test fixtures, verbatim,
// one file per source file, with the repository and commit noted. Used for
// test/fixtures/specs/ (see its README). Usage:
//   node scripts/extract-spec-fixtures.mjs <git-dir> <commit> <repo-name> <out-dir> <file#Definition>... [--example <path>]...
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path/posix';

const [gitDir, commit, repoName, outDir, ...rest] = process.argv.slice(2);
const roots = [];
const examples = [];
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--example') {
    examples.push(rest[++i]);
  } else {
    roots.push(rest[i]);
  }
}
const files = new Map();
const load = (path) => {
  if (!files.has(path)) {
    files.set(path, JSON.parse(execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${path}`], { encoding: 'utf8', maxBuffer: 64 << 20 })));
  }
  return files.get(path);
};
const wanted = new Map(); // file -> Set(definition)
const queue = roots.map((r) => r.split('#'));
const refTarget = (fromFile, ref) => {
  const [file, pointer] = ref.split('#');
  const target = file ? normalize(join(dirname(fromFile), file)) : fromFile;
  const name = pointer?.replace(/^\/definitions\//, '');
  return [target, name];
};
const walk = (file, node) => {
  if (Array.isArray(node)) {
    node.forEach((n) => walk(file, n));
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.includes('#/definitions/')) {
        queue.push(refTarget(file, value));
      } else {
        walk(file, value);
      }
    }
  }
};
while (queue.length > 0) {
  const [file, name] = queue.shift();
  const set = wanted.get(file) ?? new Set();
  wanted.set(file, set);
  if (set.has(name)) {
    continue;
  }
  const definitions = load(file).definitions ?? {};
  const definition = definitions[name];
  if (!definition) {
    throw new Error(`${file}#${name} not found`);
  }
  set.add(name);
  walk(file, definition);
  if (definition.discriminator) {
    // Subtypes name the base in allOf and carry x-ms-discriminator-value.
    for (const [other, candidate] of Object.entries(definitions)) {
      const refs = (candidate.allOf ?? []).map((a) => a.$ref && refTarget(file, a.$ref).join('#'));
      if (refs.includes(`${file}#${name}`)) {
        queue.push([file, other]);
      }
    }
  }
}
for (const [file, names] of wanted) {
  const definitions = load(file).definitions;
  const picked = Object.fromEntries([...names].sort().map((n) => [n, definitions[n]]));
  const out = join(outDir, file);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ 'x-source': { repository: repoName, path: file, commit }, definitions: picked }, null, 2)}\n`);
}
for (const example of examples) {
  const out = join(outDir, example);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(load(example), null, 2)}\n`);
}
console.log(`${[...wanted.values()].reduce((n, s) => n + s.size, 0)} definitions from ${wanted.size} files, ${examples.length} examples`);
