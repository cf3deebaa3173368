;; The llama2.c transformer's matrix-vector products in WebAssembly SIMD (128-bit lanes).
;; Regenerate the embedded binary (src/models/llama2c/wasm/matmul-module.ts) with
;;   SPECBOUND_UPDATE_WASM=1 npx vitest run test/models/llama2c-wasm.test.ts
;; (assembles this file with wabt); the test fails when the two disagree.
;;
;; matmul(out, x, w, n, rows, batch): out[b*rows + i] = sum_j w[i*n + j] * x[b*n + j] for i < rows,
;; b < batch. w: float32 (row-major, as stored in the checkpoint), x and out: float64; all byte
;; offsets into this module's memory. Numerics: every product and sum in float64 (each float32
;; weight widened exactly, f64x2.promote_low_f32x4), so the result differs from a sequential
;; float64 sum only in the order of the additions: four columns per step into two f64x2
;; accumulators (columns j, j+1 and j+2, j+3), reduced as (a0 + a1) + (a2 + a3), then the n mod 4
;; last columns one by one. Every output entry is the same function of its row and its token
;; whatever the batch, so a batched pass and token-by-token passes agree bit for bit.
(module
  (memory (export "memory") 1)

  ;; dot(wRow, xRow, n): the sum of one row times one token, as described above.
  (func $dot (param $w i32) (param $x i32) (param $n i32) (result f64)
    (local $end4 i32) (local $end i32) (local $wv v128) (local $a v128) (local $b v128) (local $s f64)
    (local.set $a (f64x2.splat (f64.const 0)))
    (local.set $b (f64x2.splat (f64.const 0)))
    ;; $end4: byte offset in w after the last full group of 4 columns
    (local.set $end4 (i32.add (local.get $w) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $w) (local.get $end4)))
        (local.set $wv (v128.load (local.get $w)))
        (local.set $a (f64x2.add (local.get $a)
          (f64x2.mul (f64x2.promote_low_f32x4 (local.get $wv)) (v128.load (local.get $x)))))
        (local.set $b (f64x2.add (local.get $b)
          (f64x2.mul
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $wv) (local.get $wv)))
            (v128.load offset=16 (local.get $x)))))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (br $loop)))
    (local.set $s (f64.add
      (f64.add (f64x2.extract_lane 0 (local.get $a)) (f64x2.extract_lane 1 (local.get $a)))
      (f64.add (f64x2.extract_lane 0 (local.get $b)) (f64x2.extract_lane 1 (local.get $b)))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $s (f64.add (local.get $s)
          (f64.mul (f64.promote_f32 (f32.load (local.get $w))) (f64.load (local.get $x)))))
        (local.set $w (i32.add (local.get $w) (i32.const 4)))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (br $tail)))
    (local.get $s))

  (func (export "matmul") (param $out i32) (param $x i32) (param $w i32) (param $n i32) (param $rows i32) (param $batch i32)
    (local $i i32) (local $b i32) (local $wRow i32) (local $rowBytes i32) (local $xBytes i32) (local $outBytes i32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $xBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $outBytes (i32.shl (local.get $rows) (i32.const 3)))
    (local.set $wRow (local.get $w))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $rows)))
        ;; every token of the batch against this row (the row stays in L1)
        (local.set $b (i32.const 0))
        (block $batchDone
          (loop $batchLoop
            (br_if $batchDone (i32.ge_u (local.get $b) (local.get $batch)))
            (f64.store
              (i32.add (i32.add (local.get $out) (i32.mul (local.get $b) (local.get $outBytes))) (i32.shl (local.get $i) (i32.const 3)))
              (call $dot (local.get $wRow) (i32.add (local.get $x) (i32.mul (local.get $b) (local.get $xBytes))) (local.get $n)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $batchLoop)))
        (local.set $wRow (i32.add (local.get $wRow) (local.get $rowBytes)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowLoop))))
)
