/**
 * A text diff of two pipeline definitions: both written as JSON with sorted keys and two-space
 * indentation (so a service that reorders members shows no change), compared line by line
 * (longest common subsequence), and shown in unified form with three lines of context.
 */

/** JSON with object keys sorted at every level: the canonical text of a definition. */
export function canonicalJson(value: unknown): string {
  const sort = (item: unknown): unknown => {
    if (Array.isArray(item)) {
      return item.map(sort);
    }
    if (typeof item === 'object' && item !== null) {
      return Object.fromEntries(
        Object.keys(item)
          .sort()
          .map((key) => [key, sort((item as Record<string, unknown>)[key])]),
      );
    }
    return item;
  };
  return JSON.stringify(sort(value ?? null), null, 2);
}

type Line = { readonly kind: ' ' | '-' | '+'; readonly text: string };

function lineDiff(before: readonly string[], after: readonly string[]): Line[] {
  const n = before.length;
  const m = after.length;
  // lcs[i][j]: the longest common subsequence of before[i..] and after[j..].
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = before[i] === after[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const lines: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      lines.push({ kind: ' ', text: before[i]! });
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! > lcs[i + 1]![j]!)) {
      lines.push({ kind: '+', text: after[j]! });
      j++;
    } else {
      lines.push({ kind: '-', text: before[i]! });
      i++;
    }
  }
  return lines;
}

/**
 * The unified diff of two definitions ('' when they are the same), with `---` / `+++` labels and
 * `@@ -a,b +c,d @@` hunks.
 */
export function definitionDiff(before: unknown, after: unknown, labels: { before: string; after: string }, context = 3): string {
  const a = canonicalJson(before).split('\n');
  const b = canonicalJson(after).split('\n');
  const lines = lineDiff(a, b);
  if (lines.every((line) => line.kind === ' ')) {
    return '';
  }
  const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
  // Positions (in `lines`) of changes, grouped into hunks with `context` lines around each.
  const changed = lines.map((line, index) => (line.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  let start = 0;
  while (start < changed.length) {
    let end = start;
    while (end + 1 < changed.length && changed[end + 1]! - changed[end]! <= 2 * context + 1) {
      end++;
    }
    const from = Math.max(0, changed[start]! - context);
    const to = Math.min(lines.length - 1, changed[end]! + context);
    const before = lines.slice(0, from);
    const oldStart = before.filter((line) => line.kind !== '+').length + 1;
    const newStart = before.filter((line) => line.kind !== '-').length + 1;
    const hunk = lines.slice(from, to + 1);
    out.push(`@@ -${oldStart},${hunk.filter((line) => line.kind !== '+').length} +${newStart},${hunk.filter((line) => line.kind !== '-').length} @@`);
    out.push(...hunk.map((line) => `${line.kind}${line.text}`));
    start = end + 1;
  }
  return `${out.join('\n')}\n`;
}
