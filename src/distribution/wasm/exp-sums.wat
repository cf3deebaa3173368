;; Sums of exp over a whole vocabulary in WebAssembly SIMD (src/distribution/exp-sums.ts): the one pass of
;; positionStatistics on a complete p (and q), and the normaliser of logSoftmax.
;; Regenerate the embedded binary (src/distribution/wasm/exp-sums-module.ts) with
;;   SPECBOUND_UPDATE_WASM=1 npx vitest run test/distribution/exp-sums.test.ts
;; (splices in src/core/wasm/fdlibm-exp.wat, the exp algorithm and its constants shared with
;; models/llama2c/wasm/attention.wat, at its `@NAME`s and `#splice` line, then assembles with wabt:
;; test/helpers/assemble-wat.ts); the test fails when the two disagree.
;;
;; statistics(lp, quads) and statisticsWithDrafter(lp, lq, quads): lp (and lq) are byte offsets of
;; float64 log-probabilities, 4·quads entries each (the caller pads the length with −Infinity).
;; They write at byte 0:
;;   f64 entropy  = −Σ e·l              f64 second  = Σ (e·l)·l
;;   f64 num      = −Σ_{m > −∞} e·m     f64 covered = Σ_{m > −∞} e      f64 missing = Σ_{m = −∞} e
;;   (the last three by statisticsWithDrafter only)
;;   i32 at byte 40: 1 when some l is positive (a log-softmax never gives one; $rare sets it): the caller
;;   then uses its JavaScript loop, whose Math.exp handles l > 0.
;; with e = exp(l) over the entries l > −∞ (l = lp[i], m = lq[i]).
;; sumExp(xs, quads, shift): Σ exp(x − shift) in index order at byte 0, the normaliser of a log-softmax
;; (distribution/log-softmax.ts: `sum += Math.exp(x[i] − max)`); maxOf and shiftInto: its other two passes.
;;
;; Numerics: bit-identical to the JavaScript loops `e = Math.exp(l); entropy -= e * l; second += e * l * l; …`
;; and `sum += Math.exp(x − max)` in index order. (1) e is V8's Math.exp to the bit: the same float64 operations, in the same order, as
;; V8's exp (v8/v8 src/base/ieee754.cc `exp`, fdlibm e_exp.c as modified by V8; the copy in
;; nodejs/node deps/v8/src/base/ieee754.cc at f579e1194046c50f2e6bb54348d48c8e7d1a53cf), four entries
;; at a time, for l ≤ 0 (the only case reached here; see below). WebAssembly float operations are
;; IEEE 754 round-to-nearest without fused multiply-add, as V8's C++ build of ieee754.cc. fdlibm's
;; branches become per-lane selects of the same values:
;;   |l| ≤ ½ln2 (k = 0): fdlibm returns 1 − ((l·c)/(c − 2) − l); with k = 0, hi = l, lo = +0 the general
;;     formula gives 1 − ((0 − (l·c)/(2 − c)) − l), the same value (IEEE division and 0 − z are
;;     exact under sign change), and ·2⁰ is exact;
;;   ½ln2 < |l| < 1.5ln2: k = −1, hi = l − (−ln2HI), lo = −ln2LO, which the general formula gives at k = −1;
;;   |l| < 2⁻²⁸: 1 + l; l < u_threshold (and −∞): 0; k < −1021: y·2^(k+1000)·2⁻¹⁰⁰⁰.
;; (2) The sums are scalar and sequential, entry by entry in index order: the same additions as the
;; JavaScript loop (four entries per step: two vectors go through exp at once). An entry the loop
;; skips (l = −∞, or m = −∞ for num/covered, m > −∞ for missing) adds +0 here, or nothing, which
;; leaves every sum unchanged (none of them can be −0: each starts at +0 and entropy/num subtract,
;; the others add values ≥ 0).
(module
  (memory (export "memory") 1)

  ;; The constants, two lanes each, in memory at bytes 64..384: TurboFan rebuilds a v128.const at
  ;; every use inside a loop (three instructions), a load from memory is one.
  (func $constants
    (v128.store offset=64 (i32.const 0) (v128.const f64x2 @INVLN2 @INVLN2)) ;; INVLN2: invln2
    (v128.store offset=80 (i32.const 0) (v128.const f64x2 -0.5 -0.5)) ;; MHALF: halF[1]
    (v128.store offset=96 (i32.const 0) (v128.const f64x2 -@HALFLN2 -@HALFLN2)) ;; MHALFLN2: −(the double with high word 0x3fd62e43): x > this ⇔ hx ≤ 0x3fd62e42 (|x| ≤ ½ln2, k = 0)
    (v128.store offset=112 (i32.const 0) (v128.const f64x2 @LN2HI @LN2HI)) ;; LN2HI: ln2HI[0]
    (v128.store offset=128 (i32.const 0) (v128.const f64x2 @LN2LO @LN2LO)) ;; LN2LO: ln2LO[0]
    (v128.store offset=144 (i32.const 0) (v128.const f64x2 @P1 @P1)) ;; P1: P1
    (v128.store offset=160 (i32.const 0) (v128.const f64x2 @P2 @P2)) ;; P2: P2
    (v128.store offset=176 (i32.const 0) (v128.const f64x2 @P3 @P3)) ;; P3: P3
    (v128.store offset=192 (i32.const 0) (v128.const f64x2 @P4 @P4)) ;; P4: P4
    (v128.store offset=208 (i32.const 0) (v128.const f64x2 @P5 @P5)) ;; P5: P5
    (v128.store offset=224 (i32.const 0) (v128.const f64x2 1 1)) ;; ONE: one
    (v128.store offset=240 (i32.const 0) (v128.const f64x2 2 2)) ;; TWO: 2.0
    (v128.store offset=256 (i32.const 0) (v128.const f64x2 -1021 -1021)) ;; KLOW: k ≥ −1021: twopk = 2^k
    (v128.store offset=272 (i32.const 0) (v128.const f64x2 -0x1p-28 -0x1p-28)) ;; MTINY: x > −2⁻²⁸ ⇔ hx < 0x3e300000: 1 + x
    (v128.store offset=288 (i32.const 0) (v128.const f64x2 0x1.00000000003ffp52 0x1.00000000003ffp52)) ;; BIAS: 0x1p52 + 1023: (k + BIAS) holds k + 1023 in its low bits
    (v128.store offset=304 (i32.const 0) (v128.const f64x2 0x1.00000000007e7p52 0x1.00000000007e7p52)) ;; BIASLOW: 0x1p52 + 2023, for k < −1021: 2^(k+1000)
    (v128.store offset=320 (i32.const 0) (v128.const f64x2 @TWOM1000 @TWOM1000)) ;; TWOM1000: twom1000
    (v128.store offset=336 (i32.const 0) (v128.const f64x2 @UTHRESHOLD @UTHRESHOLD)) ;; UTHRESHOLD: u_threshold
    (v128.store offset=352 (i32.const 0) (v128.const f64x2 -inf -inf)) ;; MINF: −∞
    (v128.store offset=368 (i32.const 0) (v128.const f64x2 0 0)) ;; ZERO: +0
  )

  ;; (exp(x0), x0, exp(x1), x1) for two vectors (four entries; one call, one test of the rare cases):
  ;; exp bit-identical to V8's Math.exp for x ≤ 0; a NaN or −∞ lane gives (0, 0), which adds +0 to
  ;; every sum below (the JavaScript loops skip such entries, or add exp(−∞) = 0). Each statement
  ;; is written for x0 and then for x1.
  (func $exp2 (param $x0 v128) (param $x1 v128) (result v128 v128 v128 v128)
    (local $kf0 v128) (local $hi0 v128) (local $lo0 v128) (local $r0 v128) (local $t0 v128) (local $c0 v128) (local $y0 v128)
    (local $kf1 v128) (local $hi1 v128) (local $lo1 v128) (local $r1 v128) (local $t1 v128) (local $c1 v128) (local $y1 v128)
    ;; k = (int)(invln2·x + halF[1]), truncated toward zero as the C cast; k = 0 when |x| ≤ ½ln2.
    ;; (For ½ln2 < |x| < 1.5ln2, where fdlibm sets k = −1 directly, this k is −1 as well: x·invln2 − 0.5
    ;; lies in (−1.9999997, −1.0000000013] there.)
    (local.set $kf0 (f64x2.trunc (f64x2.add (f64x2.mul (v128.load offset=64 (i32.const 0)) (local.get $x0)) (v128.load offset=80 (i32.const 0)))))
    (local.set $kf1 (f64x2.trunc (f64x2.add (f64x2.mul (v128.load offset=64 (i32.const 0)) (local.get $x1)) (v128.load offset=80 (i32.const 0)))))
    (local.set $kf0 (v128.andnot (local.get $kf0) (f64x2.gt (local.get $x0) (v128.load offset=96 (i32.const 0)))))
    (local.set $kf1 (v128.andnot (local.get $kf1) (f64x2.gt (local.get $x1) (v128.load offset=96 (i32.const 0)))))
    ;; y for both vectors: the reduction and rational approximation of src/core/wasm/fdlibm-exp.wat
    ;; #splice fdlibm-exp {"lanes": [{"x": "(local.get $x0)", "k": "(local.get $kf0)", "hi": "$hi0", "lo": "$lo0", "r": "$r0", "t": "$t0", "c": "$c0", "y": "$y0"}, {"x": "(local.get $x1)", "k": "(local.get $kf1)", "hi": "$hi1", "lo": "$lo1", "r": "$r1", "t": "$t1", "c": "$c1", "y": "$y1"}], "LN2HI": "(v128.load offset=112 (i32.const 0))", "LN2LO": "(v128.load offset=128 (i32.const 0))", "P1": "(v128.load offset=144 (i32.const 0))", "P2": "(v128.load offset=160 (i32.const 0))", "P3": "(v128.load offset=176 (i32.const 0))", "P4": "(v128.load offset=192 (i32.const 0))", "P5": "(v128.load offset=208 (i32.const 0))", "ONE": "(v128.load offset=224 (i32.const 0))", "TWO": "(v128.load offset=240 (i32.const 0))"}
    (if (result v128 v128 v128 v128)
        (i64x2.all_true
          (v128.and
            (v128.and (f64x2.ge (local.get $kf0) (v128.load offset=256 (i32.const 0))) (f64x2.le (local.get $x0) (v128.load offset=272 (i32.const 0))))
            (v128.and (f64x2.ge (local.get $kf1) (v128.load offset=256 (i32.const 0))) (f64x2.le (local.get $x1) (v128.load offset=272 (i32.const 0))))))
      (then
        ;; every lane ordinary (−1021 ≤ k, |x| ≥ 2⁻²⁸, no −∞ or NaN): y·2^k, 2^k built from its bits
        (f64x2.mul (local.get $y0) (i64x2.shl (f64x2.add (local.get $kf0) (v128.load offset=288 (i32.const 0))) (i32.const 52)))
        (local.get $x0)
        (f64x2.mul (local.get $y1) (i64x2.shl (f64x2.add (local.get $kf1) (v128.load offset=288 (i32.const 0))) (i32.const 52)))
        (local.get $x1))
      (else
        (call $rare (local.get $x0) (local.get $kf0) (local.get $y0))
        (call $rare (local.get $x1) (local.get $kf1) (local.get $y1)))))

  ;; The rare lanes of exp (see $exp2): (e, x) from x, its k and its y.
  (func $rare (param $x v128) (param $kf v128) (param $y v128) (result v128 v128)
    (local $e v128) (local $fin v128) (local $low v128)
    ;; a positive x (every one reaches this function; a log-softmax never gives one): the flag at byte 40
    (if (v128.any_true (f64x2.gt (local.get $x) (v128.load offset=368 (i32.const 0))))
      (then (i32.store offset=40 (i32.const 0) (i32.const 1))))
    (local.set $low (f64x2.lt (local.get $kf) (v128.load offset=256 (i32.const 0))))
    (local.set $e
      (f64x2.mul
        (f64x2.mul (local.get $y)
          (i64x2.shl (f64x2.add (local.get $kf) (v128.bitselect (v128.load offset=304 (i32.const 0)) (v128.load offset=288 (i32.const 0)) (local.get $low))) (i32.const 52)))
        (v128.bitselect (v128.load offset=320 (i32.const 0)) (v128.load offset=224 (i32.const 0)) (local.get $low))))
    (local.set $e (v128.bitselect (f64x2.add (v128.load offset=224 (i32.const 0)) (local.get $x)) (local.get $e) (f64x2.gt (local.get $x) (v128.load offset=272 (i32.const 0)))))
    (local.set $e (v128.andnot (local.get $e) (f64x2.lt (local.get $x) (v128.load offset=336 (i32.const 0)))))
    (local.set $fin (f64x2.gt (local.get $x) (v128.load offset=352 (i32.const 0))))
    (local.set $e (v128.and (local.get $e) (local.get $fin)))
    (local.set $x (v128.and (local.get $x) (local.get $fin)))
    (local.get $e) (local.get $x))


  ;; statistics(lp, quads): entropy, second (above) over lp (4·quads entries); no q.
  (func (export "statistics") (param $lp i32) (param $quads i32)
    (local $end i32) (local $x0 v128) (local $x1 v128) (local $e0 v128) (local $e1 v128) (local $el v128) (local $el2 v128)
    (local $entropy f64) (local $second f64)
    (call $constants)
    (i32.store offset=40 (i32.const 0) (i32.const 0)) ;; set by $rare on a positive l
    (local.set $end (i32.add (local.get $lp) (i32.shl (local.get $quads) (i32.const 5))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $lp) (local.get $end)))
        (local.set $x0 (v128.load (local.get $lp)))
        (local.set $x1 (v128.load offset=16 (local.get $lp)))
        (call $exp2 (local.get $x0) (local.get $x1))
        (local.set $x1)
        (local.set $e1)
        (local.set $x0)
        (local.set $e0)
        ;; the sums, entry by entry in index order, as the JavaScript loop adds them
        (local.set $el (f64x2.mul (local.get $e0) (local.get $x0)))
        (local.set $el2 (f64x2.mul (local.get $el) (local.get $x0)))
        (local.set $entropy (f64.sub (local.get $entropy) (f64x2.extract_lane 0 (local.get $el))))
        (local.set $second (f64.add (local.get $second) (f64x2.extract_lane 0 (local.get $el2))))
        (local.set $entropy (f64.sub (local.get $entropy) (f64x2.extract_lane 1 (local.get $el))))
        (local.set $second (f64.add (local.get $second) (f64x2.extract_lane 1 (local.get $el2))))
        (local.set $el (f64x2.mul (local.get $e1) (local.get $x1)))
        (local.set $el2 (f64x2.mul (local.get $el) (local.get $x1)))
        (local.set $entropy (f64.sub (local.get $entropy) (f64x2.extract_lane 0 (local.get $el))))
        (local.set $second (f64.add (local.get $second) (f64x2.extract_lane 0 (local.get $el2))))
        (local.set $entropy (f64.sub (local.get $entropy) (f64x2.extract_lane 1 (local.get $el))))
        (local.set $second (f64.add (local.get $second) (f64x2.extract_lane 1 (local.get $el2))))
        (local.set $lp (i32.add (local.get $lp) (i32.const 32)))
        (br $loop)))
    (f64.store offset=0 (i32.const 0) (local.get $entropy))
    (f64.store offset=8 (i32.const 0) (local.get $second)))

  ;; statisticsWithDrafter(lp, lq, quads): all five sums (above).
  (func (export "statisticsWithDrafter") (param $lp i32) (param $lq i32) (param $quads i32)
    (local $end i32) (local $x0 v128) (local $x1 v128) (local $e0 v128) (local $e1 v128) (local $el v128) (local $el2 v128)
    (local $m v128) (local $mq v128) (local $em v128) (local $cov v128) (local $miss0 v128) (local $miss1 v128)
    (local $entropy f64) (local $second f64) (local $num f64) (local $covered f64) (local $missing f64)
    (call $constants)
    (i32.store offset=40 (i32.const 0) (i32.const 0)) ;; set by $rare on a positive l
    (local.set $end (i32.add (local.get $lp) (i32.shl (local.get $quads) (i32.const 5))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $lp) (local.get $end)))
        (local.set $x0 (v128.load (local.get $lp)))
        (local.set $x1 (v128.load offset=16 (local.get $lp)))
        (call $exp2 (local.get $x0) (local.get $x1))
        (local.set $x1)
        (local.set $e1)
        (local.set $x0)
        (local.set $e0)
        ;; the sums, entry by entry in index order, as the JavaScript loop adds them
        (local.set $el (f64x2.mul (local.get $e0) (local.get $x0)))
        (local.set $el2 (f64x2.mul (local.get $el) (local.get $x0)))
        (local.set $m (v128.load offset=0 (local.get $lq)))
        (local.set $mq (f64x2.gt (local.get $m) (v128.load offset=352 (i32.const 0))))
        (local.set $em (v128.and (f64x2.mul (local.get $e0) (local.get $m)) (local.get $mq)))
        (local.set $cov (v128.and (local.get $e0) (local.get $mq)))
        (local.set $miss0 (v128.andnot (local.get $e0) (local.get $mq)))
        (local.set $entropy (f64.sub (local.get $entropy) (f64x2.extract_lane 0 (local.get $el))))
        (local.set $second (f64.add (local.get $second) (f64x2.extract_lane 0 (local.get $el2))))
        (local.set $num (f64.sub (local.get $num) (f64x2.extract_lane 0 (local.get $em))))
        (local.set $covered (f64.add (local.get $covered) (f64x2.extract_lane 0 (local.get $cov))))
        (local.set $entropy (f64.sub (local.get $entropy) (f64x2.extract_lane 1 (local.get $el))))
        (local.set $second (f64.add (local.get $second) (f64x2.extract_lane 1 (local.get $el2))))
        (local.set $num (f64.sub (local.get $num) (f64x2.extract_lane 1 (local.get $em))))
        (local.set $covered (f64.add (local.get $covered) (f64x2.extract_lane 1 (local.get $cov))))
        (local.set $el (f64x2.mul (local.get $e1) (local.get $x1)))
        (local.set $el2 (f64x2.mul (local.get $el) (local.get $x1)))
        (local.set $m (v128.load offset=16 (local.get $lq)))
        (local.set $mq (f64x2.gt (local.get $m) (v128.load offset=352 (i32.const 0))))
        (local.set $em (v128.and (f64x2.mul (local.get $e1) (local.get $m)) (local.get $mq)))
        (local.set $cov (v128.and (local.get $e1) (local.get $mq)))
        (local.set $miss1 (v128.andnot (local.get $e1) (local.get $mq)))
        (local.set $entropy (f64.sub (local.get $entropy) (f64x2.extract_lane 0 (local.get $el))))
        (local.set $second (f64.add (local.get $second) (f64x2.extract_lane 0 (local.get $el2))))
        (local.set $num (f64.sub (local.get $num) (f64x2.extract_lane 0 (local.get $em))))
        (local.set $covered (f64.add (local.get $covered) (f64x2.extract_lane 0 (local.get $cov))))
        (local.set $entropy (f64.sub (local.get $entropy) (f64x2.extract_lane 1 (local.get $el))))
        (local.set $second (f64.add (local.get $second) (f64x2.extract_lane 1 (local.get $el2))))
        (local.set $num (f64.sub (local.get $num) (f64x2.extract_lane 1 (local.get $em))))
        (local.set $covered (f64.add (local.get $covered) (f64x2.extract_lane 1 (local.get $cov))))
        ;; the missing mass (q = 0), added after the others (its order among its own terms is kept); four
        ;; +0 terms, the usual case (q > 0 on all four entries), leave it unchanged and are skipped
        (if (v128.any_true (v128.or (local.get $miss0) (local.get $miss1)))
          (then
            (local.set $missing (f64.add (local.get $missing) (f64x2.extract_lane 0 (local.get $miss0))))
            (local.set $missing (f64.add (local.get $missing) (f64x2.extract_lane 1 (local.get $miss0))))
            (local.set $missing (f64.add (local.get $missing) (f64x2.extract_lane 0 (local.get $miss1))))
            (local.set $missing (f64.add (local.get $missing) (f64x2.extract_lane 1 (local.get $miss1))))))
        (local.set $lp (i32.add (local.get $lp) (i32.const 32)))
        (local.set $lq (i32.add (local.get $lq) (i32.const 32)))
        (br $loop)))
    (f64.store offset=0 (i32.const 0) (local.get $entropy))
    (f64.store offset=8 (i32.const 0) (local.get $second))
    (f64.store offset=16 (i32.const 0) (local.get $num))
    (f64.store offset=24 (i32.const 0) (local.get $covered))
    (f64.store offset=32 (i32.const 0) (local.get $missing)))

  ;; sumExp(xs, quads, shift): Σ exp(x[i] − shift) in index order, written at byte 0 (log-softmax's
  ;; normaliser, as `sum += Math.exp(x[i] − max)`); every x[i] − shift must be ≤ 0 (shift = the max).
  (func (export "sumExp") (param $xs i32) (param $quads i32) (param $shift f64)
    (local $end i32) (local $s v128) (local $e0 v128) (local $e1 v128) (local $sum f64)
    (call $constants)
    (local.set $s (f64x2.splat (local.get $shift)))
    (local.set $end (i32.add (local.get $xs) (i32.shl (local.get $quads) (i32.const 5))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $xs) (local.get $end)))
        (call $exp2 (f64x2.sub (v128.load (local.get $xs)) (local.get $s)) (f64x2.sub (v128.load offset=16 (local.get $xs)) (local.get $s)))
        (drop)
        (local.set $e1)
        (drop)
        (local.set $e0)
        (local.set $sum (f64.add (local.get $sum) (f64x2.extract_lane 0 (local.get $e0))))
        (local.set $sum (f64.add (local.get $sum) (f64x2.extract_lane 1 (local.get $e0))))
        (local.set $sum (f64.add (local.get $sum) (f64x2.extract_lane 0 (local.get $e1))))
        (local.set $sum (f64.add (local.get $sum) (f64x2.extract_lane 1 (local.get $e1))))
        (local.set $xs (i32.add (local.get $xs) (i32.const 32)))
        (br $loop)))
    (f64.store offset=0 (i32.const 0) (local.get $sum)))

  ;; maxOf(xs, quads): the largest of 4·quads float64 values at byte 0, and at byte 40 an i32 that is 1
  ;; when one is NaN (log-softmax's first pass; its caller then reports the NaN from JavaScript).
  (func (export "maxOf") (param $xs i32) (param $quads i32)
    (local $end i32) (local $x0 v128) (local $x1 v128) (local $m0 v128) (local $m1 v128) (local $nan v128)
    (local.set $m0 (f64x2.splat (f64.const -inf)))
    (local.set $m1 (local.get $m0))
    (local.set $end (i32.add (local.get $xs) (i32.shl (local.get $quads) (i32.const 5))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $xs) (local.get $end)))
        (local.set $x0 (v128.load (local.get $xs)))
        (local.set $x1 (v128.load offset=16 (local.get $xs)))
        (local.set $nan (v128.or (local.get $nan) (v128.or (f64x2.ne (local.get $x0) (local.get $x0)) (f64x2.ne (local.get $x1) (local.get $x1)))))
        (local.set $m0 (f64x2.pmax (local.get $m0) (local.get $x0)))
        (local.set $m1 (f64x2.pmax (local.get $m1) (local.get $x1)))
        (local.set $xs (i32.add (local.get $xs) (i32.const 32)))
        (br $loop)))
    (local.set $m0 (f64x2.pmax (local.get $m0) (local.get $m1)))
    (f64.store offset=0 (i32.const 0)
      (f64.max (f64x2.extract_lane 0 (local.get $m0)) (f64x2.extract_lane 1 (local.get $m0))))
    (i32.store offset=40 (i32.const 0) (v128.any_true (local.get $nan))))

  ;; shiftInto(xs, quads, a, b): x ← (x − a) − b for 4·quads float64 values in place (log-softmax's
  ;; last pass, as `out[i] = x[i] − max − lnSum`).
  (func (export "shiftInto") (param $xs i32) (param $quads i32) (param $a f64) (param $b f64)
    (local $end i32) (local $va v128) (local $vb v128)
    (local.set $va (f64x2.splat (local.get $a)))
    (local.set $vb (f64x2.splat (local.get $b)))
    (local.set $end (i32.add (local.get $xs) (i32.shl (local.get $quads) (i32.const 5))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $xs) (local.get $end)))
        (v128.store (local.get $xs) (f64x2.sub (f64x2.sub (v128.load (local.get $xs)) (local.get $va)) (local.get $vb)))
        (v128.store offset=16 (local.get $xs) (f64x2.sub (f64x2.sub (v128.load offset=16 (local.get $xs)) (local.get $va)) (local.get $vb)))
        (local.set $xs (i32.add (local.get $xs) (i32.const 32)))
        (br $loop))))
)
