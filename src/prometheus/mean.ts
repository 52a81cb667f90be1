// What chaostoolkit-prometheus' compute_mean sets out to do, done: the samples of the first series a
// range query returns, averaged as Python's `statistics` module does (fmean, geometric_mean,
// harmonic_mean), with its refusals. Pure.

export const MEAN_TYPES = ["arithmetic", "geometric", "harmonic"] as const;
export type MeanType = (typeof MEAN_TYPES)[number];

export const isMeanType = (value: unknown): value is MeanType =>
  typeof value === "string" && (MEAN_TYPES as readonly string[]).includes(value);

/** A sum without the rounding drift of adding one float after another (Neumaier), close to math.fsum. */
function sum(values: readonly number[]): number {
  let total = 0;
  let compensation = 0;
  for (const value of values) {
    const next = total + value;
    compensation += Math.abs(total) >= Math.abs(value) ? total - next + value : value - next + total;
    total = next;
  }
  return total + compensation;
}

/** The mean, or a message saying why it has none (Python's StatisticsError). */
export function mean(values: readonly number[], type: MeanType): number | { error: string } {
  if (values.length === 0) return { error: `${type} mean requires at least one data point` };
  switch (type) {
    case "arithmetic":
      return sum(values) / values.length;
    case "geometric":
      if (values.some((v) => !(v > 0))) {
        return { error: "geometric mean requires a non-empty dataset containing positive numbers" };
      }
      return Math.exp(sum(values.map(Math.log)) / values.length);
    case "harmonic":
      if (values.some((v) => v < 0)) return { error: "harmonic mean does not support negative values" };
      if (values.some((v) => v === 0)) return 0;
      return values.length / sum(values.map((v) => 1 / v));
  }
}

/**
 * The numbers of a matrix series' `values` (`[[ts, "1.5"], ...]`), as Python's float() reads
 * Prometheus' strings ("+Inf", "-Inf"); "NaN" samples (0/0, e.g. a ratio without traffic) are left out.
 */
export function sampleValues(values: unknown): number[] | undefined {
  if (!Array.isArray(values)) return undefined;
  const numbers: number[] = [];
  for (const sample of values) {
    const text = Array.isArray(sample) ? sample[1] : undefined;
    if (typeof text !== "string") return undefined;
    const n = /^[+-]?inf$/i.test(text) ? (text.startsWith("-") ? -Infinity : Infinity) : Number(text);
    if (text.trim() === "" || (Number.isNaN(n) && text.toLowerCase() !== "nan")) return undefined;
    if (!Number.isNaN(n)) numbers.push(n);
  }
  return numbers;
}
