;; The llama2.c transformer's attention of one token over its visible KV-cache slots, in
;; WebAssembly SIMD (128-bit lanes), on the memory of the matrix-vector module (imported: the
;; weights, the scratch buffers and the KV caches all live in one arena, see wasm-arena.ts).
;; Regenerate the embedded binary (src/models/llama2c/wasm/attention-module.ts) with
;;   SPECBOUND_UPDATE_WASM=1 npx vitest run test/models/llama2c-wasm.test.ts
;; (splices in src/core/wasm/fdlibm-exp.wat, the exp algorithm and its constants shared with
;; distribution/wasm/exp-sums.wat, at its `@NAME`s and `#splice` line, then assembles with wabt:
;; test/helpers/assemble-wat.ts); the test fails when the two disagree.
;;
;; attend(out, q, keys, values, end, extra, nExtra, att, nHeads, hs, kvDim, kvPerHead, scale):
;; for every head h, out[h*hs + i] = sum_t softmax_t(q_h . k_t * scale) * v_t[i] over the slots
;; t = 0..end-1 and then the nExtra slots listed (int32) at `extra`; head h reads KV head
;; h / kvPerHead (grouped-query attention). keys/values: float64 [slot][kvDim] of one layer; q, out:
;; float64 [nHeads*hs]; att: float64 scratch of 2*(end + nExtra + 1) entries. All byte offsets.
;;
;; Numerics: bit-identical to the JavaScript `attend` in transformer.ts, which was written in the
;; same order: a score is (sum of the even-coordinate products + sum of the odd ones) * scale, each
;; sum in coordinate order (lane 0 and lane 1 of one f64x2 accumulator); the maximum and the sum of
;; the exponentials run in slot order; exp is V8's Math.exp (fdlibm's e_exp.c, see $expShifted);
;; each output coordinate is a running sum in slot order (slot by slot, as run.c does), times 1/sum.
(module
  (import "env" "memory" (memory 1))

  ;; att[i] = exp(att[i] - max) for the float64 values from byte offset p to pEnd (two per step: the
  ;; value after pEnd is overwritten when their count is odd); returns their sum, added in order.
  ;;
  ;; exp(x) for x <= 0 (or NaN) lane by lane: a transcription of fdlibm's __ieee754_exp as V8 ships
  ;; it for Math.exp (v8/src/base/ieee754.cc `exp`; the copy in nodejs/node deps/v8 at Node 20),
  ;; its branches turned into lane masks, so the result has Math.exp's bits:
  ;;   |x| < 2^-28: 1 + x.   |x| <= 0.5 ln2 (high word of |x| <= 0x3fd62e42): k = 0.   else
  ;;   k = trunc(x * invln2 - 0.5) (this also covers fdlibm's special case 0.5 ln2 < |x| < 1.5 ln2,
  ;;   where it gives k = -1 and the same hi and lo);   hi = x - k*ln2HI, lo = k*ln2LO, r = hi - lo,
  ;;   c = r - r^2*(P1 + r^2*(P2 + r^2*(P3 + r^2*(P4 + r^2*P5)))),
  ;;   y = 1 - ((lo - r*c/(2 - c)) - hi)  (for k = 0, lo = 0 and hi = x: fdlibm's k = 0 formula
  ;;   1 - (r*c/(c - 2) - r) gives the same bits), times 2^k (2^(k+1000) * 2^-1000 below k = -1021);
  ;;   x < -745.13... (underflow threshold; -inf too): 0;  NaN: x + x.
  ;; The high-word tests become comparisons: hx > 0x3fd62e42 <=> |x| >= 0x1.62e43p-2, hx < 0x3e300000
  ;; <=> |x| < 2^-28; and k + 1023 = bits(k + 1.5*2^52) - 0x4338000000000000 + 1023 (k an integer).
  ;; The constants are fdlibm's (hex values in its comments): invln2, ln2HI, ln2LO, P1..P5, and
  ;; u_threshold.
  (func $expShifted (param $p i32) (param $pEnd i32) (param $max f64) (result f64)
    (local $maxv v128) (local $sum f64) (local $x v128) (local $e v128)
    (local $t v128) (local $hi v128) (local $lo v128) (local $r v128) (local $r2 v128) (local $c v128) (local $y v128) (local $low v128)
    (local $cInvln2 v128) (local $cHalf v128) (local $cLn2Hi v128) (local $cLn2Lo v128) (local $cP1 v128) (local $cP2 v128) (local $cP3 v128) (local $cP4 v128) (local $cP5 v128)
    (local $cOne v128) (local $cTwo v128) (local $cMagic v128) (local $cBias v128) (local $c1000 v128) (local $cLowK v128) (local $cTwom1000 v128)
    (local $cBig v128) (local $cTiny v128) (local $cUnder v128)
    (local.set $cInvln2 (f64x2.splat (f64.const @INVLN2)))
    (local.set $cHalf (f64x2.splat (f64.const -0.5)))
    (local.set $cLn2Hi (f64x2.splat (f64.const @LN2HI)))
    (local.set $cLn2Lo (f64x2.splat (f64.const @LN2LO)))
    (local.set $cP1 (f64x2.splat (f64.const @P1)))
    (local.set $cP2 (f64x2.splat (f64.const @P2)))
    (local.set $cP3 (f64x2.splat (f64.const @P3)))
    (local.set $cP4 (f64x2.splat (f64.const @P4)))
    (local.set $cP5 (f64x2.splat (f64.const @P5)))
    (local.set $cOne (f64x2.splat (f64.const 1)))
    (local.set $cTwo (f64x2.splat (f64.const 2)))
    (local.set $cMagic (f64x2.splat (f64.const 0x1.8p52)))
    (local.set $cBias (i64x2.splat (i64.const -0x4337fffffffffc01)))
    (local.set $c1000 (i64x2.splat (i64.const 1000)))
    (local.set $cLowK (f64x2.splat (f64.const -1021)))
    (local.set $cTwom1000 (f64x2.splat (f64.const @TWOM1000)))
    (local.set $cBig (f64x2.splat (f64.const @HALFLN2)))
    (local.set $cTiny (f64x2.splat (f64.const 0x1p-28)))
    (local.set $cUnder (f64x2.splat (f64.const @UTHRESHOLD)))
    (local.set $maxv (f64x2.splat (local.get $max)))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $p) (local.get $pEnd)))
        (local.set $x (f64x2.sub (v128.load (local.get $p)) (local.get $maxv)))
        ;; t = k as a double
        (local.set $t
          (v128.and
            (f64x2.trunc (f64x2.add (f64x2.mul (local.get $x) (local.get $cInvln2)) (local.get $cHalf)))
            (f64x2.ge (f64x2.abs (local.get $x)) (local.get $cBig))))
        ;; y: the reduction and rational approximation of src/core/wasm/fdlibm-exp.wat
        ;; #splice fdlibm-exp {"lanes": [{"x": "(local.get $x)", "k": "(local.get $t)", "hi": "$hi", "lo": "$lo", "r": "$r", "t": "$r2", "c": "$c", "y": "$y"}], "LN2HI": "(local.get $cLn2Hi)", "LN2LO": "(local.get $cLn2Lo)", "P1": "(local.get $cP1)", "P2": "(local.get $cP2)", "P3": "(local.get $cP3)", "P4": "(local.get $cP4)", "P5": "(local.get $cP5)", "ONE": "(local.get $cOne)", "TWO": "(local.get $cTwo)"}
        ;; times 2^k; below k = -1021 times 2^(k+1000) and then 2^-1000
        (local.set $low (f64x2.lt (local.get $t) (local.get $cLowK)))
        (local.set $y
          (f64x2.mul
            (f64x2.mul (local.get $y)
              (i64x2.shl
                (i64x2.add
                  (i64x2.add (f64x2.add (local.get $t) (local.get $cMagic)) (local.get $cBias))
                  (v128.and (local.get $low) (local.get $c1000)))
                (i32.const 52)))
            (v128.bitselect (local.get $cTwom1000) (local.get $cOne) (local.get $low))))
        ;; |x| < 2^-28: 1 + x;  underflow: 0;  NaN: x + x
        (local.set $y
          (v128.bitselect
            (f64x2.add (local.get $cOne) (local.get $x))
            (local.get $y)
            (f64x2.lt (f64x2.abs (local.get $x)) (local.get $cTiny))))
        (local.set $y (v128.andnot (local.get $y) (f64x2.lt (local.get $x) (local.get $cUnder))))
        (local.set $e (v128.bitselect (f64x2.add (local.get $x) (local.get $x)) (local.get $y) (f64x2.ne (local.get $x) (local.get $x))))
        (v128.store (local.get $p) (local.get $e))
        (local.set $sum (f64.add (local.get $sum) (f64x2.extract_lane 0 (local.get $e))))
        (if (i32.lt_u (i32.add (local.get $p) (i32.const 8)) (local.get $pEnd))
          (then (local.set $sum (f64.add (local.get $sum) (f64x2.extract_lane 1 (local.get $e))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $step)))
    (local.get $sum))

  ;; The same, exported for the test that compares it with Math.exp: x[i] = exp(x[i] - max) for
  ;; i < n (x[n] is overwritten when n is odd); returns the sum.
  (func (export "expShifted") (param $x i32) (param $n i32) (param $max f64) (result f64)
    (call $expShifted (local.get $x) (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 3))) (local.get $max)))

  (func (export "attend")
    (param $out i32) (param $q i32) (param $keys i32) (param $values i32) (param $end i32) (param $extra i32) (param $nExtra i32)
    (param $att i32) (param $nHeads i32) (param $hs i32) (param $kvDim i32) (param $kvPerHead i32) (param $scale f64)
    (local $h i32) (local $count i32) (local $rowBytes i32) (local $hsBytes i32) (local $kvOff i32) (local $qh i32)
    (local $t i32) (local $i i32) (local $row i32) (local $p i32) (local $o i32) (local $x i32) (local $extraEnd i32)
    (local $acc v128) (local $e v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128)
    (local $s f64) (local $max f64) (local $inv v128)
    (local $paired i32) (local $pB i32) (local $attB i32) (local $maxB f64) (local $invB v128) (local $accB v128) (local $eB v128)
    (local $q4 v128) (local $q5 v128) (local $q6 v128) (local $q7 v128) (local $k0 v128) (local $k1 v128) (local $k2 v128) (local $k3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    ;; head pairs: head size 8 and an even number of heads per KV head (so h, h+1 share one for even h)
    (local.set $paired (i32.and (i32.eq (local.get $hs) (i32.const 8)) (i32.eqz (i32.and (local.get $kvPerHead) (i32.const 1)))))
    (local.set $count (i32.add (local.get $end) (local.get $nExtra)))
    (local.set $rowBytes (i32.shl (local.get $kvDim) (i32.const 3)))
    (local.set $hsBytes (i32.shl (local.get $hs) (i32.const 3)))
    (local.set $extraEnd (i32.add (local.get $extra) (i32.shl (local.get $nExtra) (i32.const 2))))
    (block $headsDone
      (loop $heads
        (br_if $headsDone (i32.ge_u (local.get $h) (local.get $nHeads)))
        (local.set $kvOff (i32.mul (i32.div_u (local.get $h) (local.get $kvPerHead)) (local.get $hsBytes)))
        (local.set $qh (i32.add (local.get $q) (i32.mul (local.get $h) (local.get $hsBytes))))
        (if (local.get $paired)
          (then
            ;; heads h and h+1 read the same KV head: one sweep over its keys and one over its values
            ;; serve both (their scores at att and at att + 8*(count+1)); per head, the same sums in
            ;; the same order as below.
            (local.set $pB (i32.add (local.get $att) (i32.shl (i32.add (local.get $count) (i32.const 1)) (i32.const 3))))
            (local.set $attB (local.get $pB))
            (local.set $max (f64.const -inf))
            (local.set $maxB (f64.const -inf))
            (local.set $p (local.get $att))
            (local.set $q0 (v128.load (local.get $qh)))
            (local.set $q1 (v128.load offset=16 (local.get $qh)))
            (local.set $q2 (v128.load offset=32 (local.get $qh)))
            (local.set $q3 (v128.load offset=48 (local.get $qh)))
            (local.set $q4 (v128.load offset=64 (local.get $qh)))
            (local.set $q5 (v128.load offset=80 (local.get $qh)))
            (local.set $q6 (v128.load offset=96 (local.get $qh)))
            (local.set $q7 (v128.load offset=112 (local.get $qh)))
            ;; slots 0..end-1: consecutive rows
            (local.set $row (i32.add (local.get $keys) (local.get $kvOff)))
            (local.set $t (i32.const 0))
            (block $s8pRangeDone
              (loop $s8pRange
                (br_if $s8pRangeDone (i32.ge_u (local.get $t) (local.get $end)))
                (local.set $k0 (v128.load (local.get $row)))
                (local.set $k1 (v128.load offset=16 (local.get $row)))
                (local.set $k2 (v128.load offset=32 (local.get $row)))
                (local.set $k3 (v128.load offset=48 (local.get $row)))
                (local.set $acc (f64x2.mul (local.get $q0) (local.get $k0)))
                (local.set $accB (f64x2.mul (local.get $q4) (local.get $k0)))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $q1) (local.get $k1))))
                (local.set $accB (f64x2.add (local.get $accB) (f64x2.mul (local.get $q5) (local.get $k1))))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $q2) (local.get $k2))))
                (local.set $accB (f64x2.add (local.get $accB) (f64x2.mul (local.get $q6) (local.get $k2))))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $q3) (local.get $k3))))
                (local.set $accB (f64x2.add (local.get $accB) (f64x2.mul (local.get $q7) (local.get $k3))))
                (local.set $s (f64.mul (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))) (local.get $scale)))
                (f64.store (local.get $p) (local.get $s))
                (local.set $max (select (local.get $s) (local.get $max) (f64.gt (local.get $s) (local.get $max))))
                (local.set $s (f64.mul (f64.add (f64x2.extract_lane 0 (local.get $accB)) (f64x2.extract_lane 1 (local.get $accB))) (local.get $scale)))
                (f64.store (local.get $pB) (local.get $s))
                (local.set $maxB (select (local.get $s) (local.get $maxB) (f64.gt (local.get $s) (local.get $maxB))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $pB (i32.add (local.get $pB) (i32.const 8)))
                (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $s8pRange)))
            ;; then the extra slots (a tree node's ancestors and itself)
            (local.set $x (local.get $extra))
            (block $s8pExtraDone
              (loop $s8pExtra
                (br_if $s8pExtraDone (i32.ge_u (local.get $x) (local.get $extraEnd)))
                (local.set $row (i32.add (i32.add (local.get $keys) (local.get $kvOff)) (i32.mul (i32.load (local.get $x)) (local.get $rowBytes))))
                (local.set $k0 (v128.load (local.get $row)))
                (local.set $k1 (v128.load offset=16 (local.get $row)))
                (local.set $k2 (v128.load offset=32 (local.get $row)))
                (local.set $k3 (v128.load offset=48 (local.get $row)))
                (local.set $acc (f64x2.mul (local.get $q0) (local.get $k0)))
                (local.set $accB (f64x2.mul (local.get $q4) (local.get $k0)))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $q1) (local.get $k1))))
                (local.set $accB (f64x2.add (local.get $accB) (f64x2.mul (local.get $q5) (local.get $k1))))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $q2) (local.get $k2))))
                (local.set $accB (f64x2.add (local.get $accB) (f64x2.mul (local.get $q6) (local.get $k2))))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $q3) (local.get $k3))))
                (local.set $accB (f64x2.add (local.get $accB) (f64x2.mul (local.get $q7) (local.get $k3))))
                (local.set $s (f64.mul (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))) (local.get $scale)))
                (f64.store (local.get $p) (local.get $s))
                (local.set $max (select (local.get $s) (local.get $max) (f64.gt (local.get $s) (local.get $max))))
                (local.set $s (f64.mul (f64.add (f64x2.extract_lane 0 (local.get $accB)) (f64x2.extract_lane 1 (local.get $accB))) (local.get $scale)))
                (f64.store (local.get $pB) (local.get $s))
                (local.set $maxB (select (local.get $s) (local.get $maxB) (f64.gt (local.get $s) (local.get $maxB))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $pB (i32.add (local.get $pB) (i32.const 8)))
                (local.set $x (i32.add (local.get $x) (i32.const 4)))
                (br $s8pExtra)))
            (local.set $inv
              (f64x2.splat
                (f64.div (f64.const 1)
                  (call $expShifted (local.get $att) (i32.add (local.get $att) (i32.shl (local.get $count) (i32.const 3))) (local.get $max)))))
            (local.set $invB
              (f64x2.splat
                (f64.div (f64.const 1)
                  (call $expShifted (local.get $attB) (i32.add (local.get $attB) (i32.shl (local.get $count) (i32.const 3))) (local.get $maxB)))))
            (local.set $a0 (f64x2.splat (f64.const 0)))
            (local.set $a1 (f64x2.splat (f64.const 0)))
            (local.set $a2 (f64x2.splat (f64.const 0)))
            (local.set $a3 (f64x2.splat (f64.const 0)))
            (local.set $b0 (f64x2.splat (f64.const 0)))
            (local.set $b1 (f64x2.splat (f64.const 0)))
            (local.set $b2 (f64x2.splat (f64.const 0)))
            (local.set $b3 (f64x2.splat (f64.const 0)))
            (local.set $p (local.get $att))
            (local.set $pB (local.get $attB))
            ;; slots 0..end-1: consecutive rows
            (local.set $row (i32.add (local.get $values) (local.get $kvOff)))
            (local.set $t (i32.const 0))
            (block $v8pRangeDone
              (loop $v8pRange
                (br_if $v8pRangeDone (i32.ge_u (local.get $t) (local.get $end)))
                (local.set $k0 (v128.load (local.get $row)))
                (local.set $k1 (v128.load offset=16 (local.get $row)))
                (local.set $k2 (v128.load offset=32 (local.get $row)))
                (local.set $k3 (v128.load offset=48 (local.get $row)))
                (local.set $e (f64x2.splat (f64.load (local.get $p))))
                (local.set $eB (f64x2.splat (f64.load (local.get $pB))))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $e) (local.get $k0))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $e) (local.get $k1))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $e) (local.get $k2))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $e) (local.get $k3))))
                (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $eB) (local.get $k0))))
                (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $eB) (local.get $k1))))
                (local.set $b2 (f64x2.add (local.get $b2) (f64x2.mul (local.get $eB) (local.get $k2))))
                (local.set $b3 (f64x2.add (local.get $b3) (f64x2.mul (local.get $eB) (local.get $k3))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $pB (i32.add (local.get $pB) (i32.const 8)))
                (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $v8pRange)))
            ;; then the extra slots (a tree node's ancestors and itself)
            (local.set $x (local.get $extra))
            (block $v8pExtraDone
              (loop $v8pExtra
                (br_if $v8pExtraDone (i32.ge_u (local.get $x) (local.get $extraEnd)))
                (local.set $row (i32.add (i32.add (local.get $values) (local.get $kvOff)) (i32.mul (i32.load (local.get $x)) (local.get $rowBytes))))
                (local.set $k0 (v128.load (local.get $row)))
                (local.set $k1 (v128.load offset=16 (local.get $row)))
                (local.set $k2 (v128.load offset=32 (local.get $row)))
                (local.set $k3 (v128.load offset=48 (local.get $row)))
                (local.set $e (f64x2.splat (f64.load (local.get $p))))
                (local.set $eB (f64x2.splat (f64.load (local.get $pB))))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $e) (local.get $k0))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $e) (local.get $k1))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $e) (local.get $k2))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $e) (local.get $k3))))
                (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $eB) (local.get $k0))))
                (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $eB) (local.get $k1))))
                (local.set $b2 (f64x2.add (local.get $b2) (f64x2.mul (local.get $eB) (local.get $k2))))
                (local.set $b3 (f64x2.add (local.get $b3) (f64x2.mul (local.get $eB) (local.get $k3))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $pB (i32.add (local.get $pB) (i32.const 8)))
                (local.set $x (i32.add (local.get $x) (i32.const 4)))
                (br $v8pExtra)))
            (local.set $o (i32.add (local.get $out) (i32.mul (local.get $h) (local.get $hsBytes))))
            (v128.store (local.get $o) (f64x2.mul (local.get $a0) (local.get $inv)))
            (v128.store offset=16 (local.get $o) (f64x2.mul (local.get $a1) (local.get $inv)))
            (v128.store offset=32 (local.get $o) (f64x2.mul (local.get $a2) (local.get $inv)))
            (v128.store offset=48 (local.get $o) (f64x2.mul (local.get $a3) (local.get $inv)))
            (v128.store offset=64 (local.get $o) (f64x2.mul (local.get $b0) (local.get $invB)))
            (v128.store offset=80 (local.get $o) (f64x2.mul (local.get $b1) (local.get $invB)))
            (v128.store offset=96 (local.get $o) (f64x2.mul (local.get $b2) (local.get $invB)))
            (v128.store offset=112 (local.get $o) (f64x2.mul (local.get $b3) (local.get $invB)))
            (local.set $h (i32.add (local.get $h) (i32.const 2)))
            (br $heads)))

        ;; scores and their maximum (head size 8: q in four registers)
        (local.set $max (f64.const -inf))
        (local.set $p (local.get $att))
        (if (i32.eq (local.get $hs) (i32.const 8))
          (then
            (local.set $q0 (v128.load (local.get $qh)))
            (local.set $q1 (v128.load offset=16 (local.get $qh)))
            (local.set $q2 (v128.load offset=32 (local.get $qh)))
            (local.set $q3 (v128.load offset=48 (local.get $qh)))
            ;; slots 0..end-1: consecutive rows
            (local.set $row (i32.add (local.get $keys) (local.get $kvOff)))
            (local.set $t (i32.const 0))
            (block $s8RangeDone
              (loop $s8Range
                (br_if $s8RangeDone (i32.ge_u (local.get $t) (local.get $end)))
                (local.set $acc (f64x2.mul (local.get $q0) (v128.load (local.get $row))))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $q1) (v128.load offset=16 (local.get $row)))))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $q2) (v128.load offset=32 (local.get $row)))))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $q3) (v128.load offset=48 (local.get $row)))))
                (local.set $s (f64.mul (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))) (local.get $scale)))
                (f64.store (local.get $p) (local.get $s))
                (local.set $max (select (local.get $s) (local.get $max) (f64.gt (local.get $s) (local.get $max))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $s8Range)))
            ;; then the extra slots (a tree node's ancestors and itself)
            (local.set $x (local.get $extra))
            (block $s8ExtraDone
              (loop $s8Extra
                (br_if $s8ExtraDone (i32.ge_u (local.get $x) (local.get $extraEnd)))
                (local.set $row (i32.add (i32.add (local.get $keys) (local.get $kvOff)) (i32.mul (i32.load (local.get $x)) (local.get $rowBytes))))
                (local.set $acc (f64x2.mul (local.get $q0) (v128.load (local.get $row))))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $q1) (v128.load offset=16 (local.get $row)))))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $q2) (v128.load offset=32 (local.get $row)))))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $q3) (v128.load offset=48 (local.get $row)))))
                (local.set $s (f64.mul (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))) (local.get $scale)))
                (f64.store (local.get $p) (local.get $s))
                (local.set $max (select (local.get $s) (local.get $max) (f64.gt (local.get $s) (local.get $max))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $x (i32.add (local.get $x) (i32.const 4)))
                (br $s8Extra))))
          (else
            ;; slots 0..end-1: consecutive rows
            (local.set $row (i32.add (local.get $keys) (local.get $kvOff)))
            (local.set $t (i32.const 0))
            (block $sNRangeDone
              (loop $sNRange
                (br_if $sNRangeDone (i32.ge_u (local.get $t) (local.get $end)))
                (local.set $acc (f64x2.mul (v128.load (local.get $qh)) (v128.load (local.get $row))))
                (local.set $i (i32.const 16))
                (block $dotDone
                  (loop $dot
                    (br_if $dotDone (i32.ge_u (local.get $i) (local.get $hsBytes)))
                    (local.set $acc
                      (f64x2.add (local.get $acc)
                        (f64x2.mul (v128.load (i32.add (local.get $qh) (local.get $i))) (v128.load (i32.add (local.get $row) (local.get $i))))))
                    (local.set $i (i32.add (local.get $i) (i32.const 16)))
                    (br $dot)))
                (local.set $s (f64.mul (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))) (local.get $scale)))
                (f64.store (local.get $p) (local.get $s))
                (local.set $max (select (local.get $s) (local.get $max) (f64.gt (local.get $s) (local.get $max))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $sNRange)))
            ;; then the extra slots (a tree node's ancestors and itself)
            (local.set $x (local.get $extra))
            (block $sNExtraDone
              (loop $sNExtra
                (br_if $sNExtraDone (i32.ge_u (local.get $x) (local.get $extraEnd)))
                (local.set $row (i32.add (i32.add (local.get $keys) (local.get $kvOff)) (i32.mul (i32.load (local.get $x)) (local.get $rowBytes))))
                (local.set $acc (f64x2.mul (v128.load (local.get $qh)) (v128.load (local.get $row))))
                (local.set $i (i32.const 16))
                (block $dotDone
                  (loop $dot
                    (br_if $dotDone (i32.ge_u (local.get $i) (local.get $hsBytes)))
                    (local.set $acc
                      (f64x2.add (local.get $acc)
                        (f64x2.mul (v128.load (i32.add (local.get $qh) (local.get $i))) (v128.load (i32.add (local.get $row) (local.get $i))))))
                    (local.set $i (i32.add (local.get $i) (i32.const 16)))
                    (br $dot)))
                (local.set $s (f64.mul (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))) (local.get $scale)))
                (f64.store (local.get $p) (local.get $s))
                (local.set $max (select (local.get $s) (local.get $max) (f64.gt (local.get $s) (local.get $max))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $x (i32.add (local.get $x) (i32.const 4)))
                (br $sNExtra)))))

        ;; softmax weights (unnormalised) and 1/their sum
        (local.set $inv
          (f64x2.splat
            (f64.div (f64.const 1)
              (call $expShifted (local.get $att) (i32.add (local.get $att) (i32.shl (local.get $count) (i32.const 3))) (local.get $max)))))

        ;; values: eight coordinates (four f64x2 running sums) per sweep over the slots, then pairs
        (local.set $o (i32.add (local.get $out) (i32.mul (local.get $h) (local.get $hsBytes))))
        (local.set $i (i32.const 0))
        (block $wideDone
          (loop $wide
            (br_if $wideDone (i32.gt_u (i32.add (local.get $i) (i32.const 64)) (local.get $hsBytes)))
            (local.set $a0 (f64x2.splat (f64.const 0)))
            (local.set $a1 (f64x2.splat (f64.const 0)))
            (local.set $a2 (f64x2.splat (f64.const 0)))
            (local.set $a3 (f64x2.splat (f64.const 0)))
            (local.set $p (local.get $att))
            ;; slots 0..end-1: consecutive rows
            (local.set $row (i32.add (local.get $values) (i32.add (local.get $kvOff) (local.get $i))))
            (local.set $t (i32.const 0))
            (block $v8RangeDone
              (loop $v8Range
                (br_if $v8RangeDone (i32.ge_u (local.get $t) (local.get $end)))
                (local.set $e (f64x2.splat (f64.load (local.get $p))))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $e) (v128.load (local.get $row)))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $e) (v128.load offset=16 (local.get $row)))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $e) (v128.load offset=32 (local.get $row)))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $e) (v128.load offset=48 (local.get $row)))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $v8Range)))
            ;; then the extra slots (a tree node's ancestors and itself)
            (local.set $x (local.get $extra))
            (block $v8ExtraDone
              (loop $v8Extra
                (br_if $v8ExtraDone (i32.ge_u (local.get $x) (local.get $extraEnd)))
                (local.set $row (i32.add (i32.add (local.get $values) (i32.add (local.get $kvOff) (local.get $i))) (i32.mul (i32.load (local.get $x)) (local.get $rowBytes))))
                (local.set $e (f64x2.splat (f64.load (local.get $p))))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $e) (v128.load (local.get $row)))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $e) (v128.load offset=16 (local.get $row)))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $e) (v128.load offset=32 (local.get $row)))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $e) (v128.load offset=48 (local.get $row)))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $x (i32.add (local.get $x) (i32.const 4)))
                (br $v8Extra)))
            (local.set $row (i32.add (local.get $o) (local.get $i)))
            (v128.store (local.get $row) (f64x2.mul (local.get $a0) (local.get $inv)))
            (v128.store offset=16 (local.get $row) (f64x2.mul (local.get $a1) (local.get $inv)))
            (v128.store offset=32 (local.get $row) (f64x2.mul (local.get $a2) (local.get $inv)))
            (v128.store offset=48 (local.get $row) (f64x2.mul (local.get $a3) (local.get $inv)))
            (local.set $i (i32.add (local.get $i) (i32.const 64)))
            (br $wide)))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.ge_u (local.get $i) (local.get $hsBytes)))
            (local.set $a0 (f64x2.splat (f64.const 0)))
            (local.set $p (local.get $att))
            ;; slots 0..end-1: consecutive rows
            (local.set $row (i32.add (local.get $values) (i32.add (local.get $kvOff) (local.get $i))))
            (local.set $t (i32.const 0))
            (block $v2RangeDone
              (loop $v2Range
                (br_if $v2RangeDone (i32.ge_u (local.get $t) (local.get $end)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (f64x2.splat (f64.load (local.get $p))) (v128.load (local.get $row)))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $v2Range)))
            ;; then the extra slots (a tree node's ancestors and itself)
            (local.set $x (local.get $extra))
            (block $v2ExtraDone
              (loop $v2Extra
                (br_if $v2ExtraDone (i32.ge_u (local.get $x) (local.get $extraEnd)))
                (local.set $row (i32.add (i32.add (local.get $values) (i32.add (local.get $kvOff) (local.get $i))) (i32.mul (i32.load (local.get $x)) (local.get $rowBytes))))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (f64x2.splat (f64.load (local.get $p))) (v128.load (local.get $row)))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $x (i32.add (local.get $x) (i32.const 4)))
                (br $v2Extra)))
            (v128.store (i32.add (local.get $o) (local.get $i)) (f64x2.mul (local.get $a0) (local.get $inv)))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $pairs)))

        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $heads))))
)
