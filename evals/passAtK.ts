/**
 * The unbiased pass@k estimator (Chen et al., 2021): the chance that at least one of k
 * samples, drawn without replacement from n samples of which c passed, passes.
 * 1 - C(n-c, k) / C(n, k), computed as a product to stay exact for large n.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 1 || k < 1 || c < 0 || c > n) {
    throw new RangeError(`pass@k needs whole numbers with 0 <= c <= n and k >= 1 (got n=${n}, c=${c}, k=${k}).`);
  }
  if (k > n) throw new RangeError(`pass@${k} needs at least ${k} samples per task, got ${n}.`);
  if (n - c < k) return 1;
  let allFail = 1;
  for (let i = n - c + 1; i <= n; i++) allFail *= 1 - k / i;
  return 1 - allFail;
}
