export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const sortNum = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

export const minMedMax = (xs: readonly number[]) => {
  const s = sortNum(xs);
  return s.length ? `min ${s[0]} / median ${percentile(s, 50)} / max ${s[s.length - 1]}` : 'n/a';
};
