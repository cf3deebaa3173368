/**
 * Budgets P at which curves are reported: 1, 2, 3, 4, 6, 8, 12, 16, … (powers of two and 1.5×
 * powers of two, evenly spaced on the log axis of the figures), the paper's P = 60 (Figure 1),
 * and P-max itself.
 */
export function budgetGrid(PMax: number): number[] {
  const out = new Set<number>([1]);
  for (let p = 2; p <= PMax; p *= 2) {
    out.add(p);
    if (p * 1.5 <= PMax && p >= 2) out.add(p * 1.5);
  }
  if (PMax >= 60) out.add(60);
  out.add(PMax);
  return [...out].filter((p) => Number.isInteger(p) && p <= PMax).sort((a, b) => a - b);
}
