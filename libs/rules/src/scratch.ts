/**
 * Working memory of the evaluator, reused from one evaluation to the next so that the hot path
 * (a province-year of person-years) allocates only its output. `evaluate` is synchronous and never
 * calls out, so one module-level instance is safe.
 */
export interface Scratch {
  capacity: number;
  /** Category index of each activity. */
  cat: Int32Array;
  /** 1 when the activity counts for 公需科目 (public), 0 for 专业科目 (professional). */
  pub: Uint8Array;
  /** Hours of each activity per tier [declared, verified, final]; -1 = not in that tier. */
  tiers: [Float64Array, Float64Array, Float64Array];
  /** The tier being counted (one of `tiers`). */
  hours: Float64Array;
  /** What each activity counts in that tier. */
  counted: Float64Array;
  /** Art. 11: index of the activity that counts for this one's content, -1 when none supersedes it. */
  winner: Int32Array;
  /** Art. 11: size of the content group an activity wins (explanations only). */
  group: Int32Array;
  /** Caps: hundredths already counted in the item before this activity, -1 = no cap walk. */
  capBefore: Float64Array;
  /** Art. 11: the tier's activities with a content key. */
  order: Int32Array;
  /** Activities with a content key (in any tier), `keyedCount` of them. */
  keyed: Int32Array;
  keyedCount: number;
  /** Per category: every activity of it, whatever the tier (`allHead`/`allNext`, -1 ends). */
  allHead: Int32Array;
  allNext: Int32Array;
  /**
   * Caps: per category, where its activities sorted by completedOn, activityId start in `sorted`
   * (-1 = not sorted yet in this evaluation; the order is the same in every tier), and how many.
   */
  sortedFrom: Int32Array;
  sortedCount: Int32Array;
  sorted: Int32Array;
  sortedTop: number;
  /** Per category: sum of hours in the tier after Art. 11. */
  sums: Float64Array;
  /** Totals of the tier counted last, in hundredths: [public, professional]. */
  totals: Float64Array;
}

function allocate(capacity: number, categories: number): Scratch {
  const tiers: Scratch['tiers'] = [new Float64Array(capacity), new Float64Array(capacity), new Float64Array(capacity)];
  return {
    capacity,
    cat: new Int32Array(capacity),
    pub: new Uint8Array(capacity),
    tiers,
    hours: tiers[0],
    counted: new Float64Array(capacity),
    winner: new Int32Array(capacity),
    group: new Int32Array(capacity),
    capBefore: new Float64Array(capacity),
    order: new Int32Array(capacity),
    keyed: new Int32Array(capacity),
    keyedCount: 0,
    allHead: new Int32Array(categories),
    allNext: new Int32Array(capacity),
    sortedFrom: new Int32Array(categories),
    sortedCount: new Int32Array(categories),
    sorted: new Int32Array(capacity),
    sortedTop: 0,
    sums: new Float64Array(categories),
    totals: new Float64Array(2),
  };
}

let shared: Scratch = allocate(64, 16);

/** Scratch for n activities (grown to the next power of two when needed). */
export function scratchFor(n: number): Scratch {
  if (n > shared.capacity) {
    let capacity = shared.capacity;
    while (capacity < n) capacity *= 2;
    shared = allocate(capacity, shared.sums.length);
  }
  return shared;
}
