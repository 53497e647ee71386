import { PropError } from './props';

/**
 * Refuses keys of `props` that the construct does not know: a misspelt optional prop would
 * otherwise be ignored without a word (TypeScript only catches it in object literals).
 */
export function checkKnownProps(construct: string, id: string, props: object | undefined, known: readonly string[], prefix = ''): void {
  if (props === undefined || props === null) return;
  for (const key of Object.keys(props).sort()) {
    if (known.includes(key)) continue;
    const closest = closestName(key, known);
    const hint = closest ? `did you mean "${prefix}${closest}"? ` : '';
    throw new PropError(construct, id, `unknown prop "${prefix}${key}": ${hint}(known: ${[...known].sort().map((k) => prefix + k).join(', ')})`);
  }
}

/** The known name nearest to `name` by edit distance (case-insensitive; ties go to the first known). */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
