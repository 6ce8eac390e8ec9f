/** What a time split needs of a case: when it was predicted. */
export interface Timed {
  at: string;
}

export interface TimeSplit<T> {
  train: T[];
  calibration: T[];
  test: T[];
}

/**
 * Train on the oldest, calibrate on the next window, test on the newest, by landmark time. A
 * train or calibration case counts only if its outcome was known by the end of its window: a
 * model fitted on 1 March cannot have seen a release of 3 March, so neither may its backtest.
 */
export function timeSplit<T extends Timed>(
  cases: readonly T[],
  cuts: { calibrationFrom: string; testFrom: string },
  /** When the case's outcome became known (null: never, so it is in no split). */
  outcomeAt: (c: T) => string | null,
): TimeSplit<T> {
  const calibrationFrom = Date.parse(cuts.calibrationFrom);
  const testFrom = Date.parse(cuts.testFrom);
  const knownBy = (c: T, cut: number) => {
    const o = outcomeAt(c);
    return o !== null && Date.parse(o) <= cut;
  };
  const split: TimeSplit<T> = { train: [], calibration: [], test: [] };
  for (const c of cases) {
    const at = Date.parse(c.at);
    if (at < calibrationFrom) {
      if (knownBy(c, calibrationFrom)) split.train.push(c);
    } else if (at < testFrom) {
      if (knownBy(c, testFrom)) split.calibration.push(c);
    } else if (outcomeAt(c) !== null) split.test.push(c);
  }
  return split;
}

/** The cut times that leave the given shares of landmarks (ordered by time) to train and calibration. */
export function cutsByShare<T extends Timed>(cases: readonly T[], shares: { train: number; calibration: number }) {
  const times = cases.map((c) => c.at).sort();
  const at = (share: number) => times[Math.min(times.length - 1, Math.floor(times.length * share))]!;
  return { calibrationFrom: at(shares.train), testFrom: at(shares.train + shares.calibration) };
}
