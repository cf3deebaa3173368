;; The dense estimator kernel in WebAssembly SIMD (128-bit: 4 float32 lanes).
;; Regenerate the embedded binary (src/stats/wasm/dense-moments-module.ts) with
;;   SPECBOUND_UPDATE_WASM=1 npx vitest run test/stats/dense-moments-wasm.test.ts
;; (assembles this file with wabt); the test fails when the two disagree.
;;
;; Layout: the caller writes n float32 logits at byte offset $ptr (16-byte aligned, n a multiple
;; of 8, padded with -Infinity) and calls maxOf, then moments, which writes
;;   S0 = sum e^y, S1 = sum e^y y, S2 = sum e^y y^2   (float64, at bytes 0, 8, 16)
;; with y = (x - max) * invTemperature. e^y is computed in float32 (range reduction as in Cephes expf:
;; by k = round(y log2 e), degree-5 polynomial on |r| <= ln2/2, 2^k built in the exponent bits;
;; relative error ~2e-7; written inline in the loop, which V8 runs ~15% faster than a call);
;; sums are accumulated in float32 over blocks of 32 logits, then float64. y < -87 (e^y < 2^-125)
;; counts as 0.
(module
  (memory (export "memory") 1)

  (func (export "maxOf") (param $ptr i32) (param $n i32) (result f32)
    (local $end i32) (local $a v128) (local $b v128)
    (local.set $a (f32x4.splat (f32.const -inf)))
    (local.set $b (f32x4.splat (f32.const -inf)))
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $a (f32x4.max (local.get $a) (v128.load (local.get $ptr))))
        (local.set $b (f32x4.max (local.get $b) (v128.load offset=16 (local.get $ptr))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 32)))
        (br $loop)))
            (local.set $a (f32x4.max (local.get $a) (local.get $b)))
    (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a)))
      (f32.max (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))

  (func (export "moments") (param $ptr i32) (param $n i32) (param $max f32) (param $inv f32)
    (local $end i32) (local $blockEnd i32) (local $vmax v128) (local $vinv v128) (local $floor v128)
    (local $y v128) (local $k v128) (local $r v128) (local $p v128) (local $mask v128) (local $e v128) (local $ey v128) (local $b0 v128) (local $b1 v128) (local $b2 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128)
    (local.set $vmax (f32x4.splat (local.get $max)))
    (local.set $vinv (f32x4.splat (local.get $inv)))
    (local.set $floor (f32x4.splat (f32.const -87)))
    (local.set $s0 (f64x2.splat (f64.const 0)))
    (local.set $s1 (f64x2.splat (f64.const 0)))
    (local.set $s2 (f64x2.splat (f64.const 0)))
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $n) (i32.const 2))))
    ;; Blocks of 8 vectors (32 logits) are summed in float32, then added to float64 sums: 8-term
    ;; float32 sums lose ~3 ulp (1e-7 relative), and the float64 sums carry the rest.
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $blockEnd (select (local.get $end) (i32.add (local.get $ptr) (i32.const 128))
          (i32.lt_u (local.get $end) (i32.add (local.get $ptr) (i32.const 128)))))
        (local.set $b0 (v128.const i32x4 0 0 0 0))
        (local.set $b1 (v128.const i32x4 0 0 0 0))
        (local.set $b2 (v128.const i32x4 0 0 0 0))
        (block $blockDone
          (loop $loop
            (br_if $blockDone (i32.ge_u (local.get $ptr) (local.get $blockEnd)))
            (local.set $y (f32x4.mul (f32x4.sub (v128.load (local.get $ptr)) (local.get $vmax)) (local.get $vinv)))
            (local.set $mask (f32x4.ge (local.get $y) (local.get $floor)))
            (local.set $y (f32x4.max (local.get $y) (local.get $floor)))
            ;; e^y for 4 lanes of y in [-87, 0] (lanes below -87 are masked to 0): k = round(y log2 e),
            ;; r = y - k ln 2 in [-ln2/2, ln2/2], e^r by a degree-5 polynomial (least-squares fit for relative
            ;; error, max 7.5e-8 in exact arithmetic, ~2e-7 in float32), 2^k written into the exponent bits.
            (local.set $k (f32x4.nearest (f32x4.mul (local.get $y) (f32x4.splat (f32.const 1.44269504088896341)))))
            (local.set $r (f32x4.sub (local.get $y) (f32x4.mul (local.get $k) (f32x4.splat (f32.const 0.693147180559945)))))
            (local.set $p (f32x4.add (f32x4.mul (f32x4.splat (f32.const 0.008298712407382664)) (local.get $r)) (f32x4.splat (f32.const 0.04191544469380024))))
            (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 0.16667559039871735))))
            (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 0.49998894101762004))))
            (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 0.9999996965914658))))
            (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1))))
            (local.set $e (v128.and (f32x4.mul (local.get $p)
              (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $k)) (i32x4.splat (i32.const 127))) (i32.const 23))) (local.get $mask)))
            (local.set $ey (f32x4.mul (local.get $e) (local.get $y)))
            (local.set $b0 (f32x4.add (local.get $b0) (local.get $e)))
            (local.set $b1 (f32x4.add (local.get $b1) (local.get $ey)))
            (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $ey) (local.get $y))))
            (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
            (br $loop)))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.add (f64x2.promote_low_f32x4 (local.get $b0))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $b0) (local.get $b0))))))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.add (f64x2.promote_low_f32x4 (local.get $b1))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $b1) (local.get $b1))))))
        (local.set $s2 (f64x2.add (local.get $s2) (f64x2.add (f64x2.promote_low_f32x4 (local.get $b2))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $b2) (local.get $b2))))))
        (br $blocks)))
    (f64.store offset=0 (i32.const 0) (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (f64.store offset=8 (i32.const 0) (f64.add (f64x2.extract_lane 0 (local.get $s1)) (f64x2.extract_lane 1 (local.get $s1))))
    (f64.store offset=16 (i32.const 0) (f64.add (f64x2.extract_lane 0 (local.get $s2)) (f64x2.extract_lane 1 (local.get $s2))))))
