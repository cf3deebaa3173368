;; THE float64 exp algorithm of the WebAssembly kernels (distribution/wasm/exp-sums.wat,
;; models/llama2c/wasm/attention.wat): fdlibm's __ieee754_exp as V8 ships it for Math.exp
;; (v8/v8 src/base/ieee754.cc `exp`, fdlibm e_exp.c as modified by V8; the copy in nodejs/node
;; deps/v8/src/base/ieee754.cc at f579e1194046c50f2e6bb54348d48c8e7d1a53cf), f64x2 lane by lane.
;; Not a module: test/helpers/assemble-wat.ts splices it into each kernel before wabt assembles it
;; (the kernels' tests check that their embedded binaries are the spliced, assembled text), and the
;; kernels' results are checked against Math.exp at run time (core/math-exp-check.ts).
;;
;; Constants: fdlibm's, by name (hex values in e_exp.c's comments). A kernel writes @NAME where it
;; needs the value (in a v128.const, an f64.const, a memory table: wherever its loops read it fastest).
;; @const INVLN2 0x1.71547652b82fep+0
;; @const LN2HI 0x1.62e42feep-1
;; @const LN2LO 0x1.a39ef35793c76p-33
;; @const P1 0x1.555555555553ep-3
;; @const P2 -0x1.6c16c16bebd93p-9
;; @const P3 0x1.1566aaf25de2cp-14
;; @const P4 -0x1.bbd41c5d26bf1p-20
;; @const P5 0x1.6376972bea4d0p-25
;; @const UTHRESHOLD -0x1.74910d52d3051p+9
;; @const TWOM1000 0x1p-1000
;; @const HALFLN2 0x1.62e43p-2
;;   (HALFLN2 is the double whose high word is 0x3fd62e43: |x| < HALFLN2 <=> fdlibm's hx <= 0x3fd62e42,
;;   the k = 0 case; UTHRESHOLD is fdlibm's u_threshold, below which exp(x) = 0.)
;;
;; The body: the argument reduction and the rational approximation, given x and k (an integer as a
;; double: k = trunc(x*INVLN2 - 0.5), or 0 when |x| <= 0.5 ln2; each kernel picks k, since it is the
;; kernel that knows which x reach it). With k = 0 the general formula gives fdlibm's k = 0 value
;; 1 - ((x*c)/(c - 2) - x) to the bit (lo = +0; IEEE division and 0 - z are exact under sign change);
;; at k = -1 it is fdlibm's 0.5 ln2 < |x| < 1.5 ln2 case (hi = x + ln2HI, lo = -ln2LO).
;;   hi = x - k*LN2HI; lo = k*LN2LO; r = hi - lo; t = r*r;
;;   c = r - t*(P1 + t*(P2 + t*(P3 + t*(P4 + t*P5))));  y = 1 - ((lo - (r*c)/(2 - c)) - hi)
;; and exp(x) = y * 2^k, which the kernel forms together with fdlibm's special cases (|x| < 2^-28:
;; 1 + x; k < -1021: y*2^(k+1000)*TWOM1000; x < UTHRESHOLD: 0; NaN) as its callers need them.
;; A kernel splices the body with the line
;;   ;; #splice fdlibm-exp {"lanes": [{"x": …, "k": …, "hi": …, "lo": …, "r": …, "t": …, "c": …, "y": …}, …],
;;                       "LN2HI": …, "LN2LO": …, "P1": …, …, "P5": …, "ONE": …, "TWO": …}
;; (one line of JSON): x and k are expressions, hi … y the f64x2 locals the statements set, the
;; constants expressions that hold them in both lanes. Each statement below is written once per lane,
;; lane after lane (several lanes' independent statements interleaved).
(local.set {hi} (f64x2.sub {x} (f64x2.mul {k} {LN2HI})))
(local.set {lo} (f64x2.mul {k} {LN2LO}))
(local.set {r} (f64x2.sub (local.get {hi}) (local.get {lo})))
(local.set {t} (f64x2.mul (local.get {r}) (local.get {r})))
(local.set {c} (f64x2.sub (local.get {r}) (f64x2.mul (local.get {t}) (f64x2.add {P1} (f64x2.mul (local.get {t}) (f64x2.add {P2} (f64x2.mul (local.get {t}) (f64x2.add {P3} (f64x2.mul (local.get {t}) (f64x2.add {P4} (f64x2.mul (local.get {t}) {P5})))))))))))
(local.set {y} (f64x2.sub {ONE} (f64x2.sub (f64x2.sub (local.get {lo}) (f64x2.div (f64x2.mul (local.get {r}) (local.get {c})) (f64x2.sub {TWO} (local.get {c})))) (local.get {hi}))))
