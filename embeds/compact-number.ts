/** Engagement counts the way chat embeds show them: 999, 1.2K, 12.3K, 1M, 2.5B. */

const UNITS = [
  { value: 1_000, suffix: 'K' },
  { value: 1_000_000, suffix: 'M' },
  { value: 1_000_000_000, suffix: 'B' },
] as const;

/**
 * Format a count with at most one decimal, rounded half up, trailing ".0" dropped; a value that
 * rounds to 1000 of a unit moves to the next one (999,999 is "1M", never "1000K").
 * @throws RangeError for negative or non-finite input.
 */
export function compactNumber(n: number): string {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`compactNumber needs a finite count >= 0, got ${n}`);
  // Counts are whole; rounding first means 999.7 prints "1K", not "999.7" or "1000".
  const whole = Math.round(n);
  if (whole < 1_000) return String(whole);
  let shown = { tenths: 0, suffix: '' };
  // The smallest unit under which the rounded value stays below 1000 wins; past B it keeps growing.
  for (const unit of UNITS) {
    // Integer steps (tenths of the unit): float maths such as 1.05 * 10 could round the wrong way.
    const step = unit.value / 10;
    shown = { tenths: Math.floor((whole + step / 2) / step), suffix: unit.suffix };
    if (shown.tenths < 10_000) break;
  }
  const units = Math.floor(shown.tenths / 10);
  const decimal = shown.tenths % 10;
  return decimal === 0 ? `${units}${shown.suffix}` : `${units}.${decimal}${shown.suffix}`;
}
