/**
 * Row numbers of a model's per-site, per-day constraints, found without building string keys (a
 * model makes tens of thousands of lookups): per site and variant (a line length, for the start
 * links) one array over the horizon's days, −1 where the row does not exist yet.
 */
export class SiteDayRows {
  private readonly rows = new Map<string, Map<number, Int32Array>>();

  constructor(private readonly horizonDays: number) {}

  /** The row of (site, variant, day), made by `create` on first use. */
  get(siteId: string, variant: number, day: number, create: () => number): number {
    let variants = this.rows.get(siteId);
    if (!variants) this.rows.set(siteId, (variants = new Map()));
    let days = variants.get(variant);
    if (!days) variants.set(variant, (days = new Int32Array(this.horizonDays).fill(-1)));
    if (days[day]! < 0) days[day] = create();
    return days[day]!;
  }
}
