;; The tip model's per-pixel sums (tipModelFit.ts TipModel): F(θ) and ∂F/∂θ on the fit window are
;; sums over the conic's axial slices of outer products (a row factor × a column factor), and these
;; are the loops over the window's pixels that add them up — ≈ 2/3 of the fits' time, which are in
;; turn ≈ 1/4 of the main thread's on a long recording with a dozen tips.
;;   sliceF:  one slice's lateral (per column) and axial (per row) pixel-integrated profiles from
;;            the normal distribution's table (normal3), then accF;
;;   accF:    F[j·nc + i] += w_j · L_i over one slice's rows and columns;
;;   colJac:  one slice's per-column factors of ∂F/∂θ (from the interval's derivatives);
;;   accJac:  jac[6·(j·nc + i) + p] += (row factor) · (column factor), p = 0 … 5, over one slice;
;;   finJac:  the apex depth's share of ∂F/∂(φ, a, q) (a multiple of ∂F/∂v0), once per evaluation;
;;   normalEq: the sums over the fitted pixels that the Levenberg–Marquardt step's normal
;;            equations are made of (Σf, Σr, Σf², Σf·r, Σ∂F, Σf·∂F, Σr·∂F, Σ∂F·∂Fᵀ).
;; Floating point: every product and sum is the IEEE double operation, in the same order, of the
;; JavaScript these replace (no fused multiply–add in WebAssembly); two parameters' sums share a
;; v128 (f64x2) where the JavaScript had two scalar lines, lane by lane the same operations
;; (test/track/tipKernel.test.ts compares with the JavaScript, bit for bit).
;;
;; Source of src/track/tipKernelWasm.ts (`node scripts/build-wasm.mjs`; a test checks they agree).
;; Memory is the caller's (imported); pointers are byte offsets of f64 arrays. The normal
;; distribution's table (tipModelFit.ts: Φ, φ and φ' at x = −3 … 3 by 1/16, 97 values each) is
;; at offset 0: Φ at 0, φ at 776, φ' at 1552.
;; Layouts: cb (per slice column): [L, ∂L/∂uR, ∂L/∂uL, ∂L/∂σ]; rb (per slice row): [w, ∂w/∂y, ∂w/∂σ];
;; cj (per window column, colJac's output): [dR, L, dPhi, dA, dQ, L, ∂L/∂σ, 0].
(module
  (import "env" "memory" (memory 1))

  ;; Φ(x), φ(x) and G(x) = x·Φ(x) + φ(x) into out[0 … 2] by cubic Hermite interpolation of the
  ;; table (tipModelFit.ts normal3: the same operations in the same order; CUT = 3, step 1/16).
  (func $normal3 (param $x f64) (param $out i32)
    (local $f f64) (local $k i32) (local $t f64) (local $t2 f64) (local $t3 f64)
    (local $h00 f64) (local $h10 f64) (local $h01 f64) (local $h11 f64) (local $pk i32) (local $cdf f64)
    (if (f64.ge (local.get $x) (f64.const 3))
      (then
        (f64.store (local.get $out) (f64.const 1))
        (f64.store offset=8 (local.get $out) (f64.const 0))
        (f64.store offset=16 (local.get $out) (local.get $x))
        (return)))
    (if (f64.le (local.get $x) (f64.const -3))
      (then
        (f64.store (local.get $out) (f64.const 0))
        (f64.store offset=8 (local.get $out) (f64.const 0))
        (f64.store offset=16 (local.get $out) (f64.const 0))
        (return)))
    (local.set $f (f64.div (f64.add (local.get $x) (f64.const 3)) (f64.const 0.0625)))
    ;; k = min(TN − 2, f | 0) (f | 0 truncates; NaN → 0, as JavaScript's)
    (local.set $k (i32.trunc_sat_f64_s (local.get $f)))
    (if (i32.gt_s (local.get $k) (i32.const 95)) (then (local.set $k (i32.const 95))))
    (local.set $t (f64.sub (local.get $f) (f64.convert_i32_s (local.get $k))))
    (local.set $t2 (f64.mul (local.get $t) (local.get $t)))
    (local.set $t3 (f64.mul (local.get $t2) (local.get $t)))
    (local.set $h00 (f64.add (f64.sub (f64.mul (f64.const 2) (local.get $t3)) (f64.mul (f64.const 3) (local.get $t2))) (f64.const 1)))
    (local.set $h10 (f64.mul (f64.add (f64.sub (local.get $t3) (f64.mul (f64.const 2) (local.get $t2))) (local.get $t)) (f64.const 0.0625)))
    (local.set $h01 (f64.sub (f64.const 1) (local.get $h00)))
    (local.set $h11 (f64.mul (f64.sub (local.get $t3) (local.get $t2)) (f64.const 0.0625)))
    (local.set $pk (i32.shl (local.get $k) (i32.const 3)))
    ;; cdf = h00·Φ[k] + h10·φ[k] + h01·Φ[k+1] + h11·φ[k+1]
    (local.set $cdf
      (f64.add (f64.add (f64.add
        (f64.mul (local.get $h00) (f64.load (local.get $pk)))
        (f64.mul (local.get $h10) (f64.load offset=776 (local.get $pk))))
        (f64.mul (local.get $h01) (f64.load offset=8 (local.get $pk))))
        (f64.mul (local.get $h11) (f64.load offset=784 (local.get $pk)))))
    (f64.store (local.get $out) (local.get $cdf))
    ;; pdf = h00·φ[k] + h10·φ'[k] + h01·φ[k+1] + h11·φ'[k+1]; then G = x·cdf + pdf
    (f64.store offset=8 (local.get $out)
      (f64.add (f64.add (f64.add
        (f64.mul (local.get $h00) (f64.load offset=776 (local.get $pk)))
        (f64.mul (local.get $h10) (f64.load offset=1552 (local.get $pk))))
        (f64.mul (local.get $h01) (f64.load offset=784 (local.get $pk))))
        (f64.mul (local.get $h11) (f64.load offset=1560 (local.get $pk)))))
    (f64.store offset=16 (local.get $out)
      (f64.add (f64.mul (local.get $x) (local.get $cdf)) (f64.load offset=8 (local.get $out)))))

  ;; One slice of evalF. Columns iLo … iHi (window column i at u = c0 + i): normal3 at both of
  ;; the interval's edges [uL, uR] against each pixel boundary c0 + i − ½ (i ≤ iHi + 1) into nb
  ;; (6 per boundary), then cb[4i …] = [σ·(G_R(i) − G_R(i+1) − G_L(i) + G_L(i+1)), Φ_R(i) − Φ_R(i+1),
  ;; Φ_L(i+1) − Φ_L(i), φ_R(i) − φ_R(i+1) − φ_L(i) + φ_L(i+1)]. Rows jLo … jHi (window row j at
  ;; v = r0 + j): normal3 at each boundary r0 + j − ½ against the slice's depth y into na (3 per
  ;; boundary), then rb[3j …] = [thick·(Φ(j+1) − Φ(j)), thick/σ·(φ(j) − φ(j+1)),
  ;; thick/σ·(pa·φ(j) − pb·φ(j+1))], pa = (r0 + j − ½ − y)/σ, pb = pa + 1/σ. Then accF.
  (func (export "sliceF") (param $F i32) (param $nc i32) (param $nb i32) (param $na i32) (param $cb i32) (param $rb i32)
    (param $c0 i32) (param $iLo i32) (param $iHi i32) (param $r0 i32) (param $jLo i32) (param $jHi i32)
    (param $uL f64) (param $uR f64) (param $y f64) (param $inv f64) (param $sig f64) (param $thick f64)
    (local $i i32) (local $j i32) (local $bnd f64) (local $pa i32) (local $pb i32) (local $pe i32) (local $xa f64) (local $ti f64)
    ;; lateral
    (local.set $i (local.get $iLo))
    (block $d1
      (loop $l1
        (br_if $d1 (i32.gt_s (local.get $i) (i32.add (local.get $iHi) (i32.const 1))))
        (local.set $bnd (f64.sub (f64.convert_i32_s (i32.add (local.get $c0) (local.get $i))) (f64.const 0.5)))
        (local.set $pa (i32.add (local.get $nb) (i32.mul (local.get $i) (i32.const 48))))
        (call $normal3 (f64.mul (f64.sub (local.get $uR) (local.get $bnd)) (local.get $inv)) (local.get $pa))
        (call $normal3 (f64.mul (f64.sub (local.get $uL) (local.get $bnd)) (local.get $inv)) (i32.add (local.get $pa) (i32.const 24)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l1)))
    (local.set $i (local.get $iLo))
    (block $d2
      (loop $l2
        (br_if $d2 (i32.gt_s (local.get $i) (local.get $iHi)))
        (local.set $pa (i32.add (local.get $nb) (i32.mul (local.get $i) (i32.const 48))))
        (local.set $pb (i32.add (local.get $pa) (i32.const 48)))
        (local.set $pe (i32.add (local.get $cb) (i32.shl (local.get $i) (i32.const 5))))
        ;; σ·(nb[a+2] − nb[b+2] − nb[a+5] + nb[b+5])
        (f64.store (local.get $pe) (f64.mul (local.get $sig)
          (f64.add (f64.sub (f64.sub (f64.load offset=16 (local.get $pa)) (f64.load offset=16 (local.get $pb)))
            (f64.load offset=40 (local.get $pa))) (f64.load offset=40 (local.get $pb)))))
        (f64.store offset=8 (local.get $pe) (f64.sub (f64.load (local.get $pa)) (f64.load (local.get $pb))))
        (f64.store offset=16 (local.get $pe) (f64.sub (f64.load offset=24 (local.get $pb)) (f64.load offset=24 (local.get $pa))))
        ;; nb[a+1] − nb[b+1] − nb[a+4] + nb[b+4]
        (f64.store offset=24 (local.get $pe)
          (f64.add (f64.sub (f64.sub (f64.load offset=8 (local.get $pa)) (f64.load offset=8 (local.get $pb)))
            (f64.load offset=32 (local.get $pa))) (f64.load offset=32 (local.get $pb))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l2)))
    ;; axial
    (local.set $j (local.get $jLo))
    (block $d3
      (loop $l3
        (br_if $d3 (i32.gt_s (local.get $j) (i32.add (local.get $jHi) (i32.const 1))))
        (call $normal3
          (f64.mul (f64.sub (f64.sub (f64.convert_i32_s (i32.add (local.get $r0) (local.get $j))) (f64.const 0.5)) (local.get $y)) (local.get $inv))
          (i32.add (local.get $na) (i32.mul (local.get $j) (i32.const 24))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $l3)))
    (local.set $ti (f64.mul (local.get $thick) (local.get $inv)))
    (local.set $j (local.get $jLo))
    (block $d4
      (loop $l4
        (br_if $d4 (i32.gt_s (local.get $j) (local.get $jHi)))
        (local.set $pa (i32.add (local.get $na) (i32.mul (local.get $j) (i32.const 24))))
        (local.set $pb (i32.add (local.get $pa) (i32.const 24)))
        (local.set $pe (i32.add (local.get $rb) (i32.mul (local.get $j) (i32.const 24))))
        (local.set $xa
          (f64.mul (f64.sub (f64.sub (f64.convert_i32_s (i32.add (local.get $r0) (local.get $j))) (f64.const 0.5)) (local.get $y)) (local.get $inv)))
        (f64.store (local.get $pe) (f64.mul (local.get $thick) (f64.sub (f64.load (local.get $pb)) (f64.load (local.get $pa)))))
        (f64.store offset=8 (local.get $pe) (f64.mul (local.get $ti) (f64.sub (f64.load offset=8 (local.get $pa)) (f64.load offset=8 (local.get $pb)))))
        (f64.store offset=16 (local.get $pe) (f64.mul (local.get $ti)
          (f64.sub (f64.mul (local.get $xa) (f64.load offset=8 (local.get $pa)))
            (f64.mul (f64.add (local.get $xa) (local.get $inv)) (f64.load offset=8 (local.get $pb))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $l4)))
    (call $accF (local.get $F) (local.get $nc) (local.get $iLo) (local.get $iHi) (local.get $jLo) (local.get $jHi) (local.get $cb) (local.get $rb)))

  ;; F[j·nc + i] += rb[3j] · cb[4i] for jLo ≤ j ≤ jHi (rows with w = 0 skipped), iLo ≤ i ≤ iHi;
  ;; cb, rb: the slice's column and row records, indexed by window column and row.
  (func $accF (export "accF") (param $F i32) (param $nc i32) (param $iLo i32) (param $iHi i32) (param $jLo i32) (param $jHi i32)
    (param $cb i32) (param $rb i32)
    (local $j i32) (local $i i32) (local $w f64) (local $pf i32) (local $pc i32) (local $pEnd i32)
    (local.set $j (local.get $jLo))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.gt_s (local.get $j) (local.get $jHi)))
        (local.set $w (f64.load (i32.add (local.get $rb) (i32.mul (local.get $j) (i32.const 24)))))
        (if (f64.ne (local.get $w) (f64.const 0))
          (then
            (local.set $pf (i32.add (local.get $F) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $nc)) (local.get $iLo)) (i32.const 3))))
            (local.set $pEnd (i32.add (local.get $F) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $nc)) (local.get $iHi)) (i32.const 3))))
            (local.set $pc (i32.add (local.get $cb) (i32.shl (local.get $iLo) (i32.const 5))))
            (block $colsDone
              (loop $cols
                (br_if $colsDone (i32.gt_u (local.get $pf) (local.get $pEnd)))
                (f64.store (local.get $pf) (f64.add (f64.load (local.get $pf)) (f64.mul (local.get $w) (f64.load (local.get $pc)))))
                (local.set $pf (i32.add (local.get $pf) (i32.const 8)))
                (local.set $pc (i32.add (local.get $pc) (i32.const 32)))
                (br $cols)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows))))

  ;; For iLo ≤ i ≤ iHi, from cb[4i …] = [L, R, Lf, Ls]: cj[8i …] = [R + Lf, L, rA·R + lA·Lf,
  ;; rB·R + lB·Lf, rC·R + lC·Lf, L, Ls, 0].
  (func (export "colJac") (param $cj i32) (param $cb i32) (param $iLo i32) (param $iHi i32)
    (param $rA f64) (param $lA f64) (param $rB f64) (param $lB f64) (param $rC f64) (param $lC f64)
    (local $i i32) (local $pc i32) (local $pj i32) (local $L f64) (local $R f64) (local $Lf f64)
    (local.set $i (local.get $iLo))
    (block $done
      (loop $cols
        (br_if $done (i32.gt_s (local.get $i) (local.get $iHi)))
        (local.set $pc (i32.add (local.get $cb) (i32.shl (local.get $i) (i32.const 5))))
        (local.set $pj (i32.add (local.get $cj) (i32.shl (local.get $i) (i32.const 6))))
        (local.set $L (f64.load (local.get $pc)))
        (local.set $R (f64.load offset=8 (local.get $pc)))
        (local.set $Lf (f64.load offset=16 (local.get $pc)))
        (f64.store (local.get $pj) (f64.add (local.get $R) (local.get $Lf)))
        (f64.store offset=8 (local.get $pj) (local.get $L))
        (f64.store offset=16 (local.get $pj) (f64.add (f64.mul (local.get $rA) (local.get $R)) (f64.mul (local.get $lA) (local.get $Lf))))
        (f64.store offset=24 (local.get $pj) (f64.add (f64.mul (local.get $rB) (local.get $R)) (f64.mul (local.get $lB) (local.get $Lf))))
        (f64.store offset=32 (local.get $pj) (f64.add (f64.mul (local.get $rC) (local.get $R)) (f64.mul (local.get $lC) (local.get $Lf))))
        (f64.store offset=40 (local.get $pj) (local.get $L))
        (f64.store offset=48 (local.get $pj) (f64.load offset=24 (local.get $pc)))
        (f64.store offset=56 (local.get $pj) (f64.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $cols))))

  ;; For jLo ≤ j ≤ jHi (w, wy, ws = rb[3j …]) and iLo ≤ i ≤ iHi (cj[8i …] from colJac), at
  ;; e = 6·(j·nc + i):
  ;;   jac[e] += w·dR      jac[e+1] += wy·L     jac[e+2] += w·dPhi
  ;;   jac[e+3] += w·dA    jac[e+4] += w·dQ     jac[e+5] += ws·L + w·Ls
  (func (export "accJac") (param $jac i32) (param $nc i32) (param $iLo i32) (param $iHi i32) (param $jLo i32) (param $jHi i32)
    (param $cj i32) (param $rb i32)
    (local $j i32) (local $pr i32) (local $w f64) (local $ws f64)
    (local $v01 v128) (local $v23 v128) (local $v45 v128)
    (local $pe i32) (local $pEnd i32) (local $pj i32)
    (local.set $j (local.get $jLo))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.gt_s (local.get $j) (local.get $jHi)))
        (local.set $pr (i32.add (local.get $rb) (i32.mul (local.get $j) (i32.const 24))))
        (local.set $w (f64.load (local.get $pr)))
        (local.set $ws (f64.load offset=16 (local.get $pr)))
        ;; (w, wy), (w, w), (w, ws)
        (local.set $v01 (f64x2.replace_lane 1 (f64x2.splat (local.get $w)) (f64.load offset=8 (local.get $pr))))
        (local.set $v23 (f64x2.splat (local.get $w)))
        (local.set $v45 (f64x2.replace_lane 1 (f64x2.splat (local.get $w)) (local.get $ws)))
        (local.set $pe (i32.add (local.get $jac) (i32.mul (i32.add (i32.mul (local.get $j) (local.get $nc)) (local.get $iLo)) (i32.const 48))))
        (local.set $pEnd (i32.add (local.get $jac) (i32.mul (i32.add (i32.mul (local.get $j) (local.get $nc)) (local.get $iHi)) (i32.const 48))))
        (local.set $pj (i32.add (local.get $cj) (i32.shl (local.get $iLo) (i32.const 6))))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.gt_u (local.get $pe) (local.get $pEnd)))
            (v128.store (local.get $pe)
              (f64x2.add (v128.load (local.get $pe)) (f64x2.mul (local.get $v01) (v128.load (local.get $pj)))))
            (v128.store offset=16 (local.get $pe)
              (f64x2.add (v128.load offset=16 (local.get $pe)) (f64x2.mul (local.get $v23) (v128.load offset=16 (local.get $pj)))))
            ;; (w·dQ, ws·L + w·Ls): lane 0 gets + 0, which changes nothing that is added to jac
            ;; (x + 0 differs from x only for x = −0, and jac, zeroed as +0, is never −0: adding
            ;; +0 or −0 to it gives the same)
            (v128.store offset=32 (local.get $pe)
              (f64x2.add (v128.load offset=32 (local.get $pe))
                (f64x2.add (f64x2.mul (local.get $v45) (v128.load offset=32 (local.get $pj)))
                  (f64x2.replace_lane 1 (v128.const i64x2 0 0) (f64.mul (local.get $w) (f64.load offset=48 (local.get $pj)))))))
            (local.set $pe (i32.add (local.get $pe) (i32.const 48)))
            (local.set $pj (i32.add (local.get $pj) (i32.const 64)))
            (br $cols)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows))))

  ;; For each of the n pixels with jv = jac[6k + 1] ≠ 0: jac[6k + 2 … 4] += (yp0, yp1, yp2)·jv.
  (func (export "finJac") (param $jac i32) (param $n i32) (param $yp0 f64) (param $yp1 f64) (param $yp2 f64)
    (local $p i32) (local $pEnd i32) (local $jv f64)
    (local.set $p (local.get $jac))
    (local.set $pEnd (i32.add (local.get $jac) (i32.mul (local.get $n) (i32.const 48))))
    (block $done
      (loop $px
        (br_if $done (i32.ge_u (local.get $p) (local.get $pEnd)))
        (local.set $jv (f64.load offset=8 (local.get $p)))
        (if (f64.ne (local.get $jv) (f64.const 0))
          (then
            (f64.store offset=16 (local.get $p) (f64.add (f64.load offset=16 (local.get $p)) (f64.mul (local.get $yp0) (local.get $jv))))
            (f64.store offset=24 (local.get $p) (f64.add (f64.load offset=24 (local.get $p)) (f64.mul (local.get $yp1) (local.get $jv))))
            (f64.store offset=32 (local.get $p) (f64.add (f64.load offset=32 (local.get $p)) (f64.mul (local.get $yp2) (local.get $jv))))))
        (local.set $p (i32.add (local.get $p) (i32.const 48)))
        (br $px))))
;; The sums of the normal equations over the nv fitted pixels k (window index q = idx[k], model
  ;; value f = F[q], residual r[k], derivatives j = jac[6q … 6q + 5]), each summed over k in order
  ;; (tipModelFit.ts normalEquations as it was: the same sums, lane by lane), into out:
  ;; [Σf, Σr, Σf², Σf·r, Σj (6), Σf·j (6), Σr·j (6), Σ j·jᵀ (36, row-major; the upper triangle)].
  (func (export "normalEq") (param $F i32) (param $r i32) (param $idx i32) (param $nv i32) (param $jac i32) (param $out i32)
    (local $k i32) (local $pj i32) (local $f f64) (local $rk f64)
    (local $j01 v128) (local $j23 v128) (local $j45 v128) (local $vf v128) (local $vr v128)
    (local $j0 v128) (local $j1 v128) (local $j2 v128) (local $j3 v128) (local $j4 v128) (local $j5 f64)
    (local $sfr v128) (local $sq v128)
    (local $s01 v128) (local $s23 v128) (local $s45 v128)
    (local $f01 v128) (local $f23 v128) (local $f45 v128)
    (local $g01 v128) (local $g23 v128) (local $g45 v128)
    (local $a00 v128) (local $a02 v128) (local $a04 v128) (local $a11 v128) (local $a13 v128) (local $a1535 v128)
    (local $a22 v128) (local $a24 v128) (local $a33 v128) (local $a44 v128) (local $a55 f64)
    (block $done
      (loop $px
        (br_if $done (i32.ge_s (local.get $k) (local.get $nv)))
        (local.set $pj (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $f (f64.load (i32.add (local.get $F) (i32.shl (local.get $pj) (i32.const 3)))))
        (local.set $rk (f64.load (i32.add (local.get $r) (i32.shl (local.get $k) (i32.const 3)))))
        (local.set $pj (i32.add (local.get $jac) (i32.mul (local.get $pj) (i32.const 48))))
        (local.set $j01 (v128.load (local.get $pj)))
        (local.set $j23 (v128.load offset=16 (local.get $pj)))
        (local.set $j45 (v128.load offset=32 (local.get $pj)))
        (local.set $vf (f64x2.splat (local.get $f)))
        (local.set $vr (f64x2.splat (local.get $rk)))
        ;; (Σf, Σr) += (f, r); (Σf², Σf·r) += f·(f, r)
        (local.set $sfr (f64x2.add (local.get $sfr) (f64x2.replace_lane 1 (local.get $vf) (local.get $rk))))
        (local.set $sq (f64x2.add (local.get $sq) (f64x2.mul (local.get $vf) (f64x2.replace_lane 1 (local.get $vf) (local.get $rk)))))
        (local.set $s01 (f64x2.add (local.get $s01) (local.get $j01)))
        (local.set $s23 (f64x2.add (local.get $s23) (local.get $j23)))
        (local.set $s45 (f64x2.add (local.get $s45) (local.get $j45)))
        (local.set $f01 (f64x2.add (local.get $f01) (f64x2.mul (local.get $vf) (local.get $j01))))
        (local.set $f23 (f64x2.add (local.get $f23) (f64x2.mul (local.get $vf) (local.get $j23))))
        (local.set $f45 (f64x2.add (local.get $f45) (f64x2.mul (local.get $vf) (local.get $j45))))
        (local.set $g01 (f64x2.add (local.get $g01) (f64x2.mul (local.get $vr) (local.get $j01))))
        (local.set $g23 (f64x2.add (local.get $g23) (f64x2.mul (local.get $vr) (local.get $j23))))
        (local.set $g45 (f64x2.add (local.get $g45) (f64x2.mul (local.get $vr) (local.get $j45))))
        ;; j_a splatted
        (local.set $j0 (f64x2.splat (f64x2.extract_lane 0 (local.get $j01))))
        (local.set $j1 (f64x2.splat (f64x2.extract_lane 1 (local.get $j01))))
        (local.set $j2 (f64x2.splat (f64x2.extract_lane 0 (local.get $j23))))
        (local.set $j3 (f64x2.splat (f64x2.extract_lane 1 (local.get $j23))))
        (local.set $j4 (f64x2.splat (f64x2.extract_lane 0 (local.get $j45))))
        (local.set $j5 (f64x2.extract_lane 1 (local.get $j45)))
        ;; row 0: (a00, a01), (a02, a03), (a04, a05)
        (local.set $a00 (f64x2.add (local.get $a00) (f64x2.mul (local.get $j0) (local.get $j01))))
        (local.set $a02 (f64x2.add (local.get $a02) (f64x2.mul (local.get $j0) (local.get $j23))))
        (local.set $a04 (f64x2.add (local.get $a04) (f64x2.mul (local.get $j0) (local.get $j45))))
        ;; row 1: (a11, a12) = j1·(j1, j2), (a13, a14) = j1·(j3, j4)
        (local.set $a11 (f64x2.add (local.get $a11) (f64x2.mul (local.get $j1)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $j01) (local.get $j23)))))
        (local.set $a13 (f64x2.add (local.get $a13) (f64x2.mul (local.get $j1)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $j23) (local.get $j45)))))
        ;; (a15, a35) = (j1, j3)·j5
        (local.set $a1535 (f64x2.add (local.get $a1535) (f64x2.mul
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $j01) (local.get $j23))
          (f64x2.splat (local.get $j5)))))
        ;; row 2: (a22, a23), (a24, a25); row 3: (a33, a34) = j3·(j3, j4); row 4: (a44, a45); a55
        (local.set $a22 (f64x2.add (local.get $a22) (f64x2.mul (local.get $j2) (local.get $j23))))
        (local.set $a24 (f64x2.add (local.get $a24) (f64x2.mul (local.get $j2) (local.get $j45))))
        (local.set $a33 (f64x2.add (local.get $a33) (f64x2.mul (local.get $j3)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $j23) (local.get $j45)))))
        (local.set $a44 (f64x2.add (local.get $a44) (f64x2.mul (local.get $j4) (local.get $j45))))
        (local.set $a55 (f64.add (local.get $a55) (f64.mul (local.get $j5) (local.get $j5))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $px)))
    (v128.store (local.get $out) (local.get $sfr))
    (v128.store offset=16 (local.get $out) (local.get $sq))
    (v128.store offset=32 (local.get $out) (local.get $s01))
    (v128.store offset=48 (local.get $out) (local.get $s23))
    (v128.store offset=64 (local.get $out) (local.get $s45))
    (v128.store offset=80 (local.get $out) (local.get $f01))
    (v128.store offset=96 (local.get $out) (local.get $f23))
    (v128.store offset=112 (local.get $out) (local.get $f45))
    (v128.store offset=128 (local.get $out) (local.get $g01))
    (v128.store offset=144 (local.get $out) (local.get $g23))
    (v128.store offset=160 (local.get $out) (local.get $g45))
    ;; Σ j·jᵀ at out[22 …] (byte 176): raw[a·6 + c]
    (v128.store offset=176 (local.get $out) (local.get $a00))
    (v128.store offset=192 (local.get $out) (local.get $a02))
    (v128.store offset=208 (local.get $out) (local.get $a04))
    (v128.store offset=232 (local.get $out) (local.get $a11))
    (v128.store offset=248 (local.get $out) (local.get $a13))
    (f64.store offset=264 (local.get $out) (f64x2.extract_lane 0 (local.get $a1535)))
    (v128.store offset=288 (local.get $out) (local.get $a22))
    (v128.store offset=304 (local.get $out) (local.get $a24))
    (v128.store offset=344 (local.get $out) (local.get $a33))
    (f64.store offset=360 (local.get $out) (f64x2.extract_lane 1 (local.get $a1535)))
    (v128.store offset=400 (local.get $out) (local.get $a44))
    (f64.store offset=456 (local.get $out) (local.get $a55)))
)
