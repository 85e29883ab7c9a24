/**
 * "Did you mean …?" for a mistyped name: the closest of the known names by edit distance, used by the
 * option checks (src/core/validate.ts) and the CLI's flags and commands (src/node/cli).
 */

/** Levenshtein distance between `a` and `b` (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase(),
    t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const substitution = previous[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[t.length];
}

/** Separators ignored when comparing names, so "tend", "t_end" and "t-end" all match "tEnd"/"t-end". */
function bare(name: string): string {
  return name.replace(/[-_\s]/g, "");
}

/**
 * The known name closest to `name`, if it is close enough to be a typo: the only known name it begins
 * (3 letters or more, "heb" → "hebbian"), else the nearest by edit distance when at most a third of the
 * longer name's letters differ (at least 1, at most 3, and not all). Ties go to the first in `known`.
 * @example closestName("gama", ["rungs", "gamma", "F"]) // "gamma"
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const prefixOf = known.filter(
    (k) => bare(name).length >= 3 && bare(k).toLowerCase().startsWith(bare(name).toLowerCase()),
  );
  if (prefixOf.length === 1) return prefixOf[0];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(bare(name), bare(candidate));
    const longer = Math.max(bare(name).length, bare(candidate).length);
    const allowed = Math.min(3, Math.max(1, Math.floor(longer / 3)));
    // distance < longer: replacing every letter ("x" → "F") is no typo.
    if (distance <= allowed && distance < longer && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean "x"?` for the closest known name, or "" when none is close. */
export function didYouMean(name: string, known: readonly string[], quote = '"'): string {
  const match = closestName(name, known);
  return match === undefined ? "" : `; did you mean ${quote}${match}${quote}?`;
}
