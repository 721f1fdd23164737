/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The closest names: near in spelling, or sharing the typed text as a part. `within` is how far a
 * name may be and still be suggested.
 */
export function closest(
  input: string,
  names: readonly string[],
  limit = 3,
  within = (name: string) => Math.max(3, Math.floor(name.length / 3)),
): string[] {
  const needle = input.toLowerCase();
  return names
    .map((name) => {
      const lower = name.toLowerCase();
      const contains = lower.includes(needle) || needle.includes(lower.split('.').pop() ?? lower);
      return { name, score: editDistance(needle, lower) - (contains ? needle.length : 0) };
    })
    .filter(({ name, score }) => score <= within(name))
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map(({ name }) => name);
}
