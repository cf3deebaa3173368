/**
 * THE check that a transcription of V8's Math.exp (fdlibm's e_exp.c, v8/src/base/ieee754.cc `exp`)
 * gives this runtime's Math.exp bits, for the WebAssembly kernels that carry such a transcription
 * (distribution/wasm/exp-sums.wat, models/llama2c/wasm/attention.wat). Run once before a kernel is
 * used; where it fails, the caller keeps its JavaScript loop (Math.exp), so results never depend on
 * the kernel.
 */

/**
 * Arguments ≤ 0 across every branch of fdlibm's exp: −0, tiny (|x| < 2⁻²⁸), k = 0 (|x| ≤ ½ln2, with
 * the boundary ½ln2 = 0.3465735912322998…), k = −1 (½ln2 < |x| < 1.5ln2, boundary 1.0397205352783203),
 * ordinary k, k < −1021 (subnormal results, below −708.39…), and below u_threshold (−745.13…: 0).
 * Entry i is scaled by 1 + i·2⁻⁴⁰ so that the low bits of the arguments differ.
 */
export const EXP_CHECK_ARGUMENTS: readonly number[] = [
  -0, -1e-300, -(2 ** -29), -1e-5, -0.3, -0.3465735912322998, -0.5, -1, -1.0397205352783203, -2.5, -17.3, -100.1, -707.9, -708.6, -740.2, -745.2,
].map((x, i) => x * (1 + i * 2 ** -40));

/**
 * Whether `exp` (a kernel's exp applied to each of `xs`, in order) gives Object.is-equal results to
 * this runtime's Math.exp on EXP_CHECK_ARGUMENTS.
 */
export function matchesMathExp(exp: (xs: readonly number[]) => ArrayLike<number>): boolean {
  const got = exp(EXP_CHECK_ARGUMENTS);
  return got.length === EXP_CHECK_ARGUMENTS.length && EXP_CHECK_ARGUMENTS.every((x, i) => Object.is(got[i], Math.exp(x)));
}
