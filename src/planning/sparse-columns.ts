/**
 * Builders for a sparse model handed to a solver: rows with their bounds, and columns appended with
 * their entries, stored compressed by column.
 */
export class RowBounds {
  private readonly lo: number[] = [];
  private readonly hi: number[] = [];

  /** A new row Σ ≤ upper; returns its index. */
  upTo(upper: number): number {
    return this.add(-Infinity, upper);
  }

  /** A new row Σ = value. */
  exactly(value: number): number {
    return this.add(value, value);
  }

  private add(lower: number, upper: number): number {
    this.lo.push(lower);
    this.hi.push(upper);
    return this.lo.length - 1;
  }

  get count(): number {
    return this.lo.length;
  }

  lower(): Float64Array {
    return Float64Array.from(this.lo);
  }

  upper(): Float64Array {
    return Float64Array.from(this.hi);
  }
}

export class SparseColumns {
  private readonly costs: number[] = [];
  private readonly lo: number[] = [];
  private readonly hi: number[] = [];
  private readonly kinds: number[] = [];
  private readonly starts: number[] = [0];
  private readonly rows: number[] = [];
  private readonly values: number[] = [];

  /** Appends a column; its entries follow through `entry` until the next `add`. Returns its index. */
  add(cost: number, lower: number, upper: number, integrality: 0 | 1): number {
    if (this.costs.length > 0) this.starts.push(this.rows.length);
    this.costs.push(cost);
    this.lo.push(lower);
    this.hi.push(upper);
    this.kinds.push(integrality);
    return this.costs.length - 1;
  }

  entry(row: number, value: number): void {
    this.rows.push(row);
    this.values.push(value);
  }

  get count(): number {
    return this.costs.length;
  }

  csc(numRows: number) {
    return {
      format: 'csc' as const,
      numRows,
      numCols: this.costs.length,
      starts: Int32Array.from([...this.starts.slice(0, this.costs.length), this.rows.length]),
      indices: Int32Array.from(this.rows),
      values: Float64Array.from(this.values),
    };
  }

  cost(): Float64Array {
    return Float64Array.from(this.costs);
  }

  lower(): Float64Array {
    return Float64Array.from(this.lo);
  }

  upper(): Float64Array {
    return Float64Array.from(this.hi);
  }

  integrality(): Int32Array {
    return Int32Array.from(this.kinds);
  }
}
