/** Summary statistics shared by the benchmark sections. */

/** The q-quantile (0 … 1) of `xs`, by linear interpolation. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, s.length - 1);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (at - lo);
}

/** "1.23× (1.10–1.31)": the median of paired ratios and their interquartile range. */
export function pairedRatio(ratios: readonly number[]): string {
  return `${quantile(ratios, 0.5).toFixed(2)}× (${quantile(ratios, 0.25).toFixed(2)}–${
    quantile(ratios, 0.75).toFixed(2)
  })`;
}
