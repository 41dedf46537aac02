;; The tip model's per-pixel sums (tipModelFit.ts TipModel): F(θ) and ∂F/∂θ on the fit window are
;; sums over the conic's axial slices of outer products (a row factor × a column factor), and these
;; are the loops over the window's pixels that add them up — ≈ 2/3 of the fits' time, which are in
;; turn ≈ 1/4 of the main thread's on a long recording with a dozen tips.
;;   accF:    F[j·nc + i] += w_j · L_i over one slice's rows and columns;
;;   colJac:  one slice's per-column factors of ∂F/∂θ (from the interval's derivatives);
;;   accJac:  jac[6·(j·nc + i) + p] += (row factor) · (column factor), p = 0 … 5, over one slice;
;;   finJac:  the apex depth's share of ∂F/∂(φ, a, q) (a multiple of ∂F/∂v0), once per evaluation.
;; Floating point: every product and sum is the IEEE double operation, in the same order, of the
;; JavaScript these replace (no fused multiply–add in WebAssembly); two parameters' sums share a
;; v128 (f64x2) where the JavaScript had two scalar lines, lane by lane the same operations
;; (test/track/tipKernel.test.ts compares with the JavaScript, bit for bit).
;;
;; Source of src/track/tipKernelWasm.ts (`node scripts/build-wasm.mjs`; a test checks they agree).
;; Memory is the caller's (imported); pointers are byte offsets of f64 arrays.
;; Layouts: cb (per slice column): [L, ∂L/∂uR, ∂L/∂uL, ∂L/∂σ]; rb (per slice row): [w, ∂w/∂y, ∂w/∂σ];
;; cj (per window column, colJac's output): [dR, L, dPhi, dA, dQ, L, ∂L/∂σ, 0].
(module
  (import "env" "memory" (memory 1))

  ;; F[j·nc + i] += rb[3j] · cb[4i] for jLo ≤ j ≤ jHi (rows with w = 0 skipped), iLo ≤ i ≤ iHi;
  ;; cb, rb: the slice's column and row records, indexed by window column and row.
  (func (export "accF") (param $F i32) (param $nc i32) (param $iLo i32) (param $iHi i32) (param $jLo i32) (param $jHi i32)
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
)
