// No import circle anywhere in src/ (ARCHITECTURE.md, "Layers"): type-only imports count too, since
// a circle of types is where a circle of values starts. Exits 1 and names each circle found.
// Usage: node scripts/check-cycles.mjs [folder]   (npm run check:cycles)
import { fileURLToPath } from 'node:url';
import madge from 'madge';

const root = fileURLToPath(new URL('..', import.meta.url));
const folder = process.argv[2] ?? 'src';

const graph = await madge(folder, {
  baseDir: root,
  fileExtensions: ['ts'],
  tsConfig: `${root}/tsconfig.json`,
  // Keep `import type` edges (detective-typescript would otherwise be free to drop them).
  detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
});
const circles = graph.circular();
const files = Object.keys(graph.obj()).length;
if (circles.length === 0) {
  console.log(`No import circle in ${folder}/ (${files} files).`);
} else {
  console.error(`${circles.length} import circle(s) in ${folder}/:`);
  for (const circle of circles) {
    console.error(`  ${[...circle, circle[0]].join(' -> ')}`);
  }
  process.exitCode = 1;
}
