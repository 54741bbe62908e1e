// Histogram of Dice similarity coefficients, 20 bins of 0.05 over [0, 1].
//
// Dice (Dice 1945, Ecology 26:297–302) lies in [0, 1]. Bin b holds D with b/20 ≤ D < (b+1)/20, and
// the last bin also holds D = 1. The edges are compared as the doubles nearest b/20 (so 0.15 is in
// bin 3, not in bin 2 as floor(0.15 / 0.05) = floor(2.9999999999999996) would put it).

export const DICE_BINS = 20;
export const DICE_BIN_WIDTH = 1 / DICE_BINS;

/** The bin of one Dice value in [0, 1]. */
export function diceBin(dice: number): number {
  if (!(dice >= 0 && dice <= 1)) throw new RangeError(`Dice must be in [0, 1], got ${dice}`);
  let b = Math.floor(dice * DICE_BINS);
  if (b > 0 && dice < b / DICE_BINS) b--;
  else if (b < DICE_BINS && dice >= (b + 1) / DICE_BINS) b++;
  return Math.min(b, DICE_BINS - 1);
}

/** Counts per bin (bin b from b·0.05). */
export function diceHistogram(values: ArrayLike<number>): Uint32Array {
  const counts = new Uint32Array(DICE_BINS);
  for (let i = 0; i < values.length; i++) counts[diceBin(values[i])]++;
  return counts;
}
