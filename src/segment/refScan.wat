;; The reference image's remaining per-pixel and per-sample loops, bit for bit what their
;; JavaScript computed (test/segment/referenceExact.test.ts, test/segment/refScan.test.ts):
;;   colHists, crossings: the interface's per-column gray histograms and its crossing search
;;                        (interface.ts detectInterface);
;;   markDark:            the median's dark features below the closing (reference.ts);
;;   residuals:           the frames' relative residuals at the noise grid (reference.ts);
;;   robustSigma:         1.4826 × the median absolute deviation (order statistics by selection);
;;   gaussAtPoints:       a separable Gaussian blur read at sample points (sparseGaussian.ts);
;;   runs:                the runs of nonzero bytes of a whole mask, in raster order.
;; Why: the reference is built once per run, at its start, while ffmpeg waits on a full frame
;; ring. In JavaScript these loops ran there for the first time, mostly before V8 had compiled
;; them, and their compiled code was thrown away and rebuilt several times as later lines were
;; reached (≈ 170 ms of a 1080p reference's ≈ 220 ms, and ≈ 0.1–0.3 s of the compiler threads'
;; time). WebAssembly is compiled before its first call. Floating point: every sum, product and
;; quotient is the same IEEE double operation, in the same order, as in the JavaScript it replaces
;; (no fused multiply–add in WebAssembly); a float32 store is f32.demote_f64, as a Float32Array's.
;;
;; Source of src/segment/refScanWasm.ts (`node scripts/build-wasm.mjs`; a test checks they agree).
;; Memory is the caller's (imported); pointers are byte offsets; images are row-major.
(module
  (import "env" "memory" (memory 1))

  ;; hist[u × 256 + img[v × cw + u]] += 1 (u32, zeroed by the caller) for va ≤ v < vb, u0 ≤ u < u1
  ;; (the caller goes by blocks of 128 columns: their 128 KiB of histograms stay in the cache while
  ;; the rows pass)
  (func (export "colHists") (param $img i32) (param $cw i32) (param $va i32) (param $vb i32) (param $u0 i32) (param $u1 i32) (param $hist i32)
    (local $v i32) (local $row i32) (local $u i32) (local $p i32)
    (local.set $v (local.get $va))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $v) (local.get $vb)))
        (local.set $row (i32.add (local.get $img) (i32.mul (local.get $v) (local.get $cw))))
        (local.set $u (local.get $u0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_s (local.get $u) (local.get $u1)))
            (local.set $p (i32.add (local.get $hist)
              (i32.shl (i32.add (i32.shl (local.get $u) (i32.const 8)) (i32.load8_u (i32.add (local.get $row) (local.get $u))))
                (i32.const 2))))
            (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32.const 1)))
            (local.set $u (i32.add (local.get $u) (i32.const 1)))
            (br $cols)))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $rows))))

  ;; win[g] += hist[k × 256 + g] (add ≠ 0) or −= it, for the 256 gray levels
  (func $addCol (param $win i32) (param $hist i32) (param $k i32) (param $add i32)
    (local $g i32) (local $p i32) (local $q i32)
    (local.set $q (i32.add (local.get $hist) (i32.shl (local.get $k) (i32.const 10))))
    (loop $l
      (local.set $p (i32.add (local.get $win) (local.get $g)))
      (if (local.get $add)
        (then (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32.load (i32.add (local.get $q) (local.get $g))))))
        (else (i32.store (local.get $p) (i32.sub (i32.load (local.get $p)) (i32.load (i32.add (local.get $q) (local.get $g)))))))
      (local.set $g (i32.add (local.get $g) (i32.const 4)))
      (br_if $l (i32.lt_u (local.get $g) (i32.const 1024)))))

  ;; The gray level at rank n >> 1 of a histogram of n values (n > 0); NaN when there is none.
  (func $grayMedian (param $win i32) (param $n i32) (result f64)
    (local $rank i32) (local $acc i32) (local $g i32)
    (local.set $rank (i32.shr_s (local.get $n) (i32.const 1)))
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (i32.load (i32.add (local.get $win) (i32.shl (local.get $g) (i32.const 2))))))
      (if (i32.gt_u (local.get $acc) (local.get $rank)) (then (return (f64.convert_i32_s (local.get $g)))))
      (local.set $g (i32.add (local.get $g) (i32.const 1)))
      (br_if $l (i32.lt_s (local.get $g) (i32.const 256))))
    (f64.const nan))

  ;; The mean gray of img[v, u − 1 … u + 1] (clipped to the row)
  (func $smoothAt (param $img i32) (param $cw i32) (param $u i32) (param $v i32) (result f64)
    (local $a i32) (local $b i32) (local $k i32) (local $s i32) (local $row i32)
    (local.set $a (i32.sub (local.get $u) (i32.const 1)))
    (if (i32.lt_s (local.get $a) (i32.const 0)) (then (local.set $a (i32.const 0))))
    (local.set $b (i32.add (local.get $u) (i32.const 1)))
    (if (i32.gt_s (local.get $b) (i32.sub (local.get $cw) (i32.const 1))) (then (local.set $b (i32.sub (local.get $cw) (i32.const 1)))))
    (local.set $row (i32.add (local.get $img) (i32.mul (local.get $v) (local.get $cw))))
    (local.set $k (local.get $a))
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (local.get $row) (local.get $k)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $l (i32.le_s (local.get $k) (local.get $b))))
    (f64.div (f64.convert_i32_s (local.get $s)) (f64.convert_i32_s (i32.add (i32.sub (local.get $b) (local.get $a)) (i32.const 1)))))

  ;; detectInterface's per-column crossing: for each column u, the levels eU, cU are the medians of
  ;; the histograms hE, hC (edgeRows and nRowsC rows) of columns u − 2 … u + 2 (running sums win*,
  ;; 1 KiB each, zeroed by the caller); mid is their midpoint when they differ by more than half the
  ;; global levels' |C − E|, else (E + C) / 2; raw[u] (f32) is where the 3-column mean profile
  ;; first crosses mid going down from row 0 in the direction sign (sub-pixel, linear), −0.5 when it
  ;; does not before maxV. Columns u0 ≤ u < u1: called for consecutive ranges from u0 = 0 (the running
  ;; sums carry over).
  (func (export "crossings") (param $u0 i32) (param $u1 i32) (param $img i32) (param $cw i32) (param $edgeRows i32) (param $nRowsC i32)
    (param $hE i32) (param $hC i32) (param $winE i32) (param $winC i32)
    (param $E f64) (param $C f64) (param $sign f64) (param $maxV i32) (param $raw i32)
    (local $u i32) (local $k i32) (local $nCols i32) (local $lo i32) (local $hi i32) (local $v i32)
    (local $eU f64) (local $cU f64) (local $mid f64) (local $found f64) (local $prev f64) (local $cur f64)
    (local $halfCE f64) (local $midEC f64)
    (local.set $halfCE (f64.mul (f64.const 0.5) (f64.abs (f64.sub (local.get $C) (local.get $E)))))
    (local.set $midEC (f64.div (f64.add (local.get $E) (local.get $C)) (f64.const 2)))
    ;; columns 0 … min(cw − 1, 1) first
    (if (local.get $u0) (then (local.set $k (i32.const 2))))
    (block $pre
      (loop $l
        (br_if $pre (i32.gt_s (local.get $k) (i32.const 1)))
        (br_if $pre (i32.gt_s (local.get $k) (i32.sub (local.get $cw) (i32.const 1))))
        (call $addCol (local.get $winE) (local.get $hE) (local.get $k) (i32.const 1))
        (call $addCol (local.get $winC) (local.get $hC) (local.get $k) (i32.const 1))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $l)))
    (local.set $u (local.get $u0))
    (block $done
      (loop $cols
        (br_if $done (i32.ge_s (local.get $u) (local.get $u1)))
        (if (i32.le_s (i32.add (local.get $u) (i32.const 2)) (i32.sub (local.get $cw) (i32.const 1)))
          (then
            (call $addCol (local.get $winE) (local.get $hE) (i32.add (local.get $u) (i32.const 2)) (i32.const 1))
            (call $addCol (local.get $winC) (local.get $hC) (i32.add (local.get $u) (i32.const 2)) (i32.const 1))))
        (if (i32.ge_s (i32.sub (local.get $u) (i32.const 3)) (i32.const 0))
          (then
            (call $addCol (local.get $winE) (local.get $hE) (i32.sub (local.get $u) (i32.const 3)) (i32.const 0))
            (call $addCol (local.get $winC) (local.get $hC) (i32.sub (local.get $u) (i32.const 3)) (i32.const 0))))
        (local.set $hi (i32.add (local.get $u) (i32.const 2)))
        (if (i32.gt_s (local.get $hi) (i32.sub (local.get $cw) (i32.const 1))) (then (local.set $hi (i32.sub (local.get $cw) (i32.const 1)))))
        (local.set $lo (i32.sub (local.get $u) (i32.const 2)))
        (if (i32.lt_s (local.get $lo) (i32.const 0)) (then (local.set $lo (i32.const 0))))
        (local.set $nCols (i32.add (i32.sub (local.get $hi) (local.get $lo)) (i32.const 1)))
        (local.set $eU (call $grayMedian (local.get $winE) (i32.mul (local.get $nCols) (local.get $edgeRows))))
        (local.set $cU (call $grayMedian (local.get $winC) (i32.mul (local.get $nCols) (local.get $nRowsC))))
        (local.set $mid
          (select
            (f64.div (f64.add (local.get $eU) (local.get $cU)) (f64.const 2))
            (local.get $midEC)
            (f64.gt (f64.abs (f64.sub (local.get $cU) (local.get $eU))) (local.get $halfCE))))
        (local.set $found (f64.const -0.5))
        (local.set $prev (call $smoothAt (local.get $img) (local.get $cw) (local.get $u) (i32.const 0)))
        (local.set $v (i32.const 1))
        (block $crossed
          (loop $rows
            (br_if $crossed (i32.ge_s (local.get $v) (local.get $maxV)))
            (local.set $cur (call $smoothAt (local.get $img) (local.get $cw) (local.get $u) (local.get $v)))
            (if (i32.and
                  (f64.lt (f64.mul (local.get $sign) (f64.sub (local.get $prev) (local.get $mid))) (f64.const 0))
                  (f64.ge (f64.mul (local.get $sign) (f64.sub (local.get $cur) (local.get $mid))) (f64.const 0)))
              (then
                (local.set $found
                  (f64.add (f64.convert_i32_s (i32.sub (local.get $v) (i32.const 1)))
                    (f64.div (f64.sub (local.get $mid) (local.get $prev)) (f64.sub (local.get $cur) (local.get $prev)))))
                (br $crossed)))
            (local.set $prev (local.get $cur))
            (local.set $v (i32.add (local.get $v) (i32.const 1)))
            (br $rows)))
        (f32.store (i32.add (local.get $raw) (i32.shl (local.get $u) (i32.const 2))) (f32.demote_f64 (local.get $found)))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $cols))))

  ;; Dark features of the median below the closing, in the crystal: where v > crystalFrom[u] (f64)
  ;; and isDark[(c << 8) | m] (c = closed, m = median), dark = 1 and darkRel (f32) = (c − m) / c;
  ;; rows v0 ≤ v < v1
  (func (export "markDark") (param $closed i32) (param $median i32) (param $isDark i32) (param $crystalFrom i32)
    (param $cw i32) (param $v0 i32) (param $v1 i32) (param $dark i32) (param $darkRel i32)
    (local $v i32) (local $u i32) (local $i i32) (local $c i32) (local $m i32) (local $fv f64)
    (local.set $v (local.get $v0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $v) (local.get $v1)))
        (local.set $fv (f64.convert_i32_s (local.get $v)))
        (local.set $u (i32.const 0))
        (block $rowDone
          (loop $cols
            (br_if $rowDone (i32.ge_s (local.get $u) (local.get $cw)))
            (if (f64.gt (local.get $fv) (f64.load (i32.add (local.get $crystalFrom) (i32.shl (local.get $u) (i32.const 3)))))
              (then
                (local.set $i (i32.add (i32.mul (local.get $v) (local.get $cw)) (local.get $u)))
                (local.set $c (i32.load8_u (i32.add (local.get $closed) (local.get $i))))
                (local.set $m (i32.load8_u (i32.add (local.get $median) (local.get $i))))
                (if (i32.load8_u (i32.add (local.get $isDark) (i32.or (i32.shl (local.get $c) (i32.const 8)) (local.get $m))))
                  (then
                    (i32.store8 (i32.add (local.get $dark) (local.get $i)) (i32.const 1))
                    (f32.store (i32.add (local.get $darkRel) (i32.shl (local.get $i) (i32.const 2)))
                      (f32.demote_f64 (f64.div (f64.convert_i32_s (i32.sub (local.get $c) (local.get $m))) (f64.convert_i32_s (local.get $c)))))))))
            (local.set $u (i32.add (local.get $u) (i32.const 1)))
            (br $cols)))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $rows))))

  ;; For the grid points k < nPts (i = sv[k] × cw + su[k], i32) where median[i] > 0:
  ;; out[nS++] (f64) = (median[i] − map[f[i]]) / median[i]; returns the new nS
  (func (export "residuals") (param $f i32) (param $median i32) (param $map i32) (param $su i32) (param $sv i32)
    (param $nPts i32) (param $cw i32) (param $out i32) (param $nS i32) (result i32)
    (local $k i32) (local $i i32) (local $m i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_s (local.get $k) (local.get $nPts)))
        (local.set $i (i32.add
          (i32.mul (i32.load (i32.add (local.get $sv) (i32.shl (local.get $k) (i32.const 2)))) (local.get $cw))
          (i32.load (i32.add (local.get $su) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $m (i32.load8_u (i32.add (local.get $median) (local.get $i))))
        (if (i32.gt_s (local.get $m) (i32.const 0))
          (then
            (f64.store (i32.add (local.get $out) (i32.shl (local.get $nS) (i32.const 3)))
              (f64.div
                (f64.convert_i32_s (i32.sub (local.get $m) (i32.load8_u (i32.add (local.get $map) (i32.load8_u (i32.add (local.get $f) (local.get $i)))))))
                (f64.convert_i32_s (local.get $m))))
            (local.set $nS (i32.add (local.get $nS) (i32.const 1)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $l)))
    (local.get $nS))

  ;; Element k of a[0 … n) (f64) in ascending order, NaNs last (as Float64Array#sort orders them);
  ;; reorders a. The NaNs are moved to the end, then Hoare's selection runs on the others.
  (func $orderStat (param $a i32) (param $k i32) (param $n i32) (result f64)
    (local $m i32) (local $i i32) (local $j i32) (local $lo i32) (local $hi i32) (local $x f64) (local $pivot f64)
    (local $pi i32) (local $pj i32)
    (local.set $m (local.get $n))
    (block $nansDone
      (loop $nans
        (br_if $nansDone (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $pi (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $x (f64.load (local.get $pi)))
        (if (f64.ne (local.get $x) (local.get $x))
          (then
            (local.set $m (i32.sub (local.get $m) (i32.const 1)))
            (local.set $pj (i32.add (local.get $a) (i32.shl (local.get $m) (i32.const 3))))
            (f64.store (local.get $pi) (f64.load (local.get $pj)))
            (f64.store (local.get $pj) (local.get $x)))
          (else (local.set $i (i32.add (local.get $i) (i32.const 1)))))
        (br $nans)))
    (if (i32.ge_s (local.get $k) (local.get $m)) (then (return (f64.const nan))))
    (local.set $hi (i32.sub (local.get $m) (i32.const 1)))
    (block $found
      (loop $select
        (br_if $found (i32.le_s (local.get $hi) (local.get $lo)))
        (local.set $pivot (f64.load (i32.add (local.get $a) (i32.shl (i32.shr_s (i32.add (local.get $lo) (local.get $hi)) (i32.const 1)) (i32.const 3)))))
        (local.set $i (local.get $lo))
        (local.set $j (local.get $hi))
        (block $partDone
          (loop $part
            (br_if $partDone (i32.gt_s (local.get $i) (local.get $j)))
            (block $iDone
              (loop $iUp
                (br_if $iDone (i32.eqz (f64.lt (f64.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3)))) (local.get $pivot))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $iUp)))
            (block $jDone
              (loop $jDown
                (br_if $jDone (i32.eqz (f64.gt (f64.load (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 3)))) (local.get $pivot))))
                (local.set $j (i32.sub (local.get $j) (i32.const 1)))
                (br $jDown)))
            (if (i32.le_s (local.get $i) (local.get $j))
              (then
                (local.set $pi (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3))))
                (local.set $pj (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 3))))
                (local.set $x (f64.load (local.get $pi)))
                (f64.store (local.get $pi) (f64.load (local.get $pj)))
                (f64.store (local.get $pj) (local.get $x))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (local.set $j (i32.sub (local.get $j) (i32.const 1)))))
            (br $part)))
        (if (i32.le_s (local.get $k) (local.get $j))
          (then (local.set $hi (local.get $j)))
          (else
            (if (i32.ge_s (local.get $k) (local.get $i))
              (then (local.set $lo (local.get $i)))
              (else (br $found)))))
        (br $select)))
    (f64.load (i32.add (local.get $a) (i32.shl (local.get $k) (i32.const 3)))))

  ;; 1.4826 × median(|a − median(a)|) of a[0 … n) (f64; upper medians, NaNs last; reorders and
  ;; overwrites a); NaN when n = 0
  (func (export "robustSigma") (param $a i32) (param $n i32) (result f64)
    (local $med f64) (local $i i32) (local $p i32)
    (if (i32.eqz (local.get $n)) (then (return (f64.const nan))))
    (local.set $med (call $orderStat (local.get $a) (i32.shr_s (local.get $n) (i32.const 1)) (local.get $n)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $p (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3))))
        (f64.store (local.get $p) (f64.abs (f64.sub (f64.load (local.get $p)) (local.get $med))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (f64.mul (f64.const 1.4826) (call $orderStat (local.get $a) (i32.shr_s (local.get $n) (i32.const 1)) (local.get $n))))

  ;; The Gaussian blur (1-D kernel kern of 2r + 1 f64 taps along both axes, border replicated) of
  ;; an image (w × h; kind 0: u8, 1: f32, 2: f64) at points (us[i], vs[i]) (i32), in three steps:
  ;;   gaussPrepare: colSlot[u] (i32 × w) = the slot of column u among the points' distinct columns
  ;;                 cols (i32, in order of first appearance; −1: none), rowNeeded (u8 × h, zeroed
  ;;                 by the caller) = 1 for the rows within reach of a point (clamped); their count;
  ;;   gaussRow:     row v's horizontal pass at those columns into H[v × nc + slot] (f64);
  ;;   gaussPoints:  the vertical pass at points i0 ≤ i < i1 into out[i] (f64).
  ;; Each sum runs over t = 0 … 2r in order, as sparseGaussian.ts's JavaScript did. The caller
  ;; calls gaussRow row by row: WebAssembly code is compiled fast first (Liftoff), and a function
  ;; that runs often is recompiled optimised in the background and used from its next call.
  (func (export "gaussPrepare") (param $us i32) (param $vs i32) (param $np i32) (param $w i32) (param $h i32) (param $r i32)
    (param $colSlot i32) (param $cols i32) (param $rowNeeded i32) (result i32)
    (local $i i32) (local $u i32) (local $nc i32) (local $t i32) (local $y i32) (local $v i32) (local $p i32)
    (block $d0 (loop $l0
      (br_if $d0 (i32.ge_s (local.get $u) (local.get $w)))
      (i32.store (i32.add (local.get $colSlot) (i32.shl (local.get $u) (i32.const 2))) (i32.const -1))
      (local.set $u (i32.add (local.get $u) (i32.const 1)))
      (br $l0)))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_s (local.get $i) (local.get $np)))
      (local.set $u (i32.load (i32.add (local.get $us) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $p (i32.add (local.get $colSlot) (i32.shl (local.get $u) (i32.const 2))))
      (if (i32.lt_s (i32.load (local.get $p)) (i32.const 0))
        (then
          (i32.store (local.get $p) (local.get $nc))
          (i32.store (i32.add (local.get $cols) (i32.shl (local.get $nc) (i32.const 2))) (local.get $u))
          (local.set $nc (i32.add (local.get $nc) (i32.const 1)))))
      (local.set $v (i32.load (i32.add (local.get $vs) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $t (i32.sub (local.get $v) (local.get $r)))
      (block $d2 (loop $l2
        (br_if $d2 (i32.gt_s (local.get $t) (i32.add (local.get $v) (local.get $r))))
        (local.set $y (local.get $t))
        (if (i32.lt_s (local.get $y) (i32.const 0)) (then (local.set $y (i32.const 0))))
        (if (i32.gt_s (local.get $y) (i32.sub (local.get $h) (i32.const 1))) (then (local.set $y (i32.sub (local.get $h) (i32.const 1)))))
        (i32.store8 (i32.add (local.get $rowNeeded) (local.get $y)) (i32.const 1))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $l2)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l1)))
    (local.get $nc))

  ;; Row v of the image into pad (f64 × (w + 2r): r replicated pixels each side), then its sums at
  ;; the nc columns, four at a time (four independent sums, each in its own order: the same doubles
  ;; as one at a time, and four additions in flight instead of one)
  (func (export "gaussRow") (param $img i32) (param $kind i32) (param $w i32) (param $v i32) (param $kern i32) (param $r i32)
    (param $cols i32) (param $nc i32) (param $pad i32) (param $H i32)
    (local $x i32) (local $c i32) (local $t i32) (local $taps i32) (local $p i32) (local $kp i32) (local $hrow i32)
    (local $src i32) (local $dst i32) (local $kt f64) (local $edge f64)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $s0 f64) (local $s1 f64) (local $s2 f64) (local $s3 f64)
    (local.set $taps (i32.add (i32.shl (local.get $r) (i32.const 1)) (i32.const 1)))
    (local.set $dst (i32.add (local.get $pad) (i32.shl (local.get $r) (i32.const 3))))
    (local.set $src (i32.mul (local.get $v) (local.get $w)))
    (if (i32.eqz (local.get $kind))
      (then
        (local.set $src (i32.add (local.get $img) (local.get $src)))
        (block $d (loop $l
          (br_if $d (i32.ge_s (local.get $x) (local.get $w)))
          (f64.store (i32.add (local.get $dst) (i32.shl (local.get $x) (i32.const 3)))
            (f64.convert_i32_u (i32.load8_u (i32.add (local.get $src) (local.get $x)))))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $l))))
      (else
        (if (i32.eq (local.get $kind) (i32.const 1))
          (then
            (local.set $src (i32.add (local.get $img) (i32.shl (local.get $src) (i32.const 2))))
            (block $d (loop $l
              (br_if $d (i32.ge_s (local.get $x) (local.get $w)))
              (f64.store (i32.add (local.get $dst) (i32.shl (local.get $x) (i32.const 3)))
                (f64.promote_f32 (f32.load (i32.add (local.get $src) (i32.shl (local.get $x) (i32.const 2))))))
              (local.set $x (i32.add (local.get $x) (i32.const 1)))
              (br $l))))
          (else
            (memory.copy (local.get $dst) (i32.add (local.get $img) (i32.shl (local.get $src) (i32.const 3))) (i32.shl (local.get $w) (i32.const 3)))))))
    (local.set $edge (f64.load (local.get $dst)))
    (local.set $x (i32.const 0))
    (block $d5 (loop $l5
      (br_if $d5 (i32.ge_s (local.get $x) (local.get $r)))
      (f64.store (i32.add (local.get $pad) (i32.shl (local.get $x) (i32.const 3))) (local.get $edge))
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br $l5)))
    (local.set $edge (f64.load (i32.add (local.get $pad) (i32.shl (i32.add (local.get $r) (i32.sub (local.get $w) (i32.const 1))) (i32.const 3)))))
    (local.set $x (i32.add (local.get $r) (local.get $w)))
    (block $d6 (loop $l6
      (br_if $d6 (i32.ge_s (local.get $x) (i32.add (local.get $w) (i32.shl (local.get $r) (i32.const 1)))))
      (f64.store (i32.add (local.get $pad) (i32.shl (local.get $x) (i32.const 3))) (local.get $edge))
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br $l6)))
    (local.set $hrow (i32.add (local.get $H) (i32.shl (i32.mul (local.get $v) (local.get $nc)) (i32.const 3))))
    (block $d7 (loop $l7
      (br_if $d7 (i32.gt_s (i32.add (local.get $c) (i32.const 3)) (i32.sub (local.get $nc) (i32.const 1))))
      (local.set $p (i32.add (local.get $cols) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $p0 (i32.add (local.get $pad) (i32.shl (i32.load (local.get $p)) (i32.const 3))))
      (local.set $p1 (i32.add (local.get $pad) (i32.shl (i32.load offset=4 (local.get $p)) (i32.const 3))))
      (local.set $p2 (i32.add (local.get $pad) (i32.shl (i32.load offset=8 (local.get $p)) (i32.const 3))))
      (local.set $p3 (i32.add (local.get $pad) (i32.shl (i32.load offset=12 (local.get $p)) (i32.const 3))))
      (local.set $s0 (f64.const 0))
      (local.set $s1 (f64.const 0))
      (local.set $s2 (f64.const 0))
      (local.set $s3 (f64.const 0))
      (local.set $kp (local.get $kern))
      (local.set $t (i32.const 0))
      (loop $l8
        (local.set $kt (f64.load (local.get $kp)))
        (local.set $s0 (f64.add (local.get $s0) (f64.mul (local.get $kt) (f64.load (local.get $p0)))))
        (local.set $s1 (f64.add (local.get $s1) (f64.mul (local.get $kt) (f64.load (local.get $p1)))))
        (local.set $s2 (f64.add (local.get $s2) (f64.mul (local.get $kt) (f64.load (local.get $p2)))))
        (local.set $s3 (f64.add (local.get $s3) (f64.mul (local.get $kt) (f64.load (local.get $p3)))))
        (local.set $kp (i32.add (local.get $kp) (i32.const 8)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 8)))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 8)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 8)))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 8)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $l8 (i32.lt_s (local.get $t) (local.get $taps))))
      (local.set $p (i32.add (local.get $hrow) (i32.shl (local.get $c) (i32.const 3))))
      (f64.store (local.get $p) (local.get $s0))
      (f64.store offset=8 (local.get $p) (local.get $s1))
      (f64.store offset=16 (local.get $p) (local.get $s2))
      (f64.store offset=24 (local.get $p) (local.get $s3))
      (local.set $c (i32.add (local.get $c) (i32.const 4)))
      (br $l7)))
    (block $d9 (loop $l9
      (br_if $d9 (i32.ge_s (local.get $c) (local.get $nc)))
      (local.set $p0 (i32.add (local.get $pad) (i32.shl (i32.load (i32.add (local.get $cols) (i32.shl (local.get $c) (i32.const 2)))) (i32.const 3))))
      (local.set $s0 (f64.const 0))
      (local.set $t (i32.const 0))
      (loop $l10
        (local.set $s0 (f64.add (local.get $s0) (f64.mul (f64.load (i32.add (local.get $kern) (i32.shl (local.get $t) (i32.const 3)))) (f64.load (local.get $p0)))))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 8)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $l10 (i32.lt_s (local.get $t) (local.get $taps))))
      (f64.store (i32.add (local.get $hrow) (i32.shl (local.get $c) (i32.const 3))) (local.get $s0))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $l9))))

  (func (export "gaussPoints") (param $H i32) (param $nc i32) (param $h i32) (param $kern i32) (param $r i32)
    (param $colSlot i32) (param $us i32) (param $vs i32) (param $i0 i32) (param $i1 i32) (param $out i32)
    (local $i i32) (local $c i32) (local $v i32) (local $t i32) (local $y i32) (local $taps i32) (local $s f64)
    (local.set $taps (i32.add (i32.shl (local.get $r) (i32.const 1)) (i32.const 1)))
    (local.set $i (local.get $i0))
    (block $d11 (loop $l11
      (br_if $d11 (i32.ge_s (local.get $i) (local.get $i1)))
      (local.set $c (i32.load (i32.add (local.get $colSlot) (i32.shl (i32.load (i32.add (local.get $us) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 2)))))
      (local.set $v (i32.sub (i32.load (i32.add (local.get $vs) (i32.shl (local.get $i) (i32.const 2)))) (local.get $r)))
      (local.set $s (f64.const 0))
      (local.set $t (i32.const 0))
      (loop $l12
        (local.set $y (i32.add (local.get $v) (local.get $t)))
        (if (i32.lt_s (local.get $y) (i32.const 0)) (then (local.set $y (i32.const 0))))
        (if (i32.gt_s (local.get $y) (i32.sub (local.get $h) (i32.const 1))) (then (local.set $y (i32.sub (local.get $h) (i32.const 1)))))
        (local.set $s (f64.add (local.get $s)
          (f64.mul (f64.load (i32.add (local.get $kern) (i32.shl (local.get $t) (i32.const 3))))
            (f64.load (i32.add (local.get $H) (i32.shl (i32.add (i32.mul (local.get $y) (local.get $nc)) (local.get $c)) (i32.const 3)))))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $l12 (i32.lt_s (local.get $t) (local.get $taps))))
      (f64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (local.get $s))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l11))))

  ;; The runs of nonzero bytes of mask (w × h), row by row in raster order: run q is row outV[q],
  ;; columns outA[q] ≤ u < outB[q] (i32 each); returns their count. Sixteen bytes at a time over
  ;; stretches all zero (outside a run) or all nonzero (inside one). Rows v0 ≤ v < v1, runs from
  ;; index n on; returns the new count. With store = 0 the runs are only counted (the caller sizes
  ;; outV, outA, outB from that count).
  (func (export "runs") (param $mask i32) (param $w i32) (param $v0 i32) (param $v1 i32) (param $outV i32) (param $outA i32) (param $outB i32) (param $n i32) (param $store i32) (result i32)
    (local $v i32) (local $row i32) (local $u i32) (local $a i32) (local $q i32)
    (local.set $v (local.get $v0))
    (block $d0 (loop $rows
      (br_if $d0 (i32.ge_s (local.get $v) (local.get $v1)))
      (local.set $row (i32.add (local.get $mask) (i32.mul (local.get $v) (local.get $w))))
      (local.set $u (i32.const 0))
      (block $rowDone (loop $scan
        ;; skip zeros
        (block $z16 (loop $zl
          (br_if $z16 (i32.gt_s (i32.add (local.get $u) (i32.const 16)) (local.get $w)))
          (br_if $z16 (v128.any_true (v128.load (i32.add (local.get $row) (local.get $u)))))
          (local.set $u (i32.add (local.get $u) (i32.const 16)))
          (br $zl)))
        (block $z1 (loop $zs
          (br_if $z1 (i32.ge_s (local.get $u) (local.get $w)))
          (br_if $z1 (i32.load8_u (i32.add (local.get $row) (local.get $u))))
          (local.set $u (i32.add (local.get $u) (i32.const 1)))
          (br $zs)))
        (br_if $rowDone (i32.ge_s (local.get $u) (local.get $w)))
        (local.set $a (local.get $u))
        ;; skip nonzeros
        (block $o16 (loop $ol
          (br_if $o16 (i32.gt_s (i32.add (local.get $u) (i32.const 16)) (local.get $w)))
          (br_if $o16 (i32.eqz (i8x16.all_true (v128.load (i32.add (local.get $row) (local.get $u))))))
          (local.set $u (i32.add (local.get $u) (i32.const 16)))
          (br $ol)))
        (block $o1 (loop $os
          (br_if $o1 (i32.ge_s (local.get $u) (local.get $w)))
          (br_if $o1 (i32.eqz (i32.load8_u (i32.add (local.get $row) (local.get $u)))))
          (local.set $u (i32.add (local.get $u) (i32.const 1)))
          (br $os)))
        (if (local.get $store)
          (then
            (local.set $q (i32.shl (local.get $n) (i32.const 2)))
            (i32.store (i32.add (local.get $outV) (local.get $q)) (local.get $v))
            (i32.store (i32.add (local.get $outA) (local.get $q)) (local.get $a))
            (i32.store (i32.add (local.get $outB) (local.get $q)) (local.get $u))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $scan)))
      (local.set $v (i32.add (local.get $v) (i32.const 1)))
      (br $rows)))
    (local.get $n))

  ;; a[i] = map[a[i]] for i < n (a: bytes, map: 256 bytes)
  (func (export "mapBytes") (param $a i32) (param $n i32) (param $map i32)
    (local $i i32) (local $p i32)
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $p (i32.add (local.get $a) (local.get $i)))
      (i32.store8 (local.get $p) (i32.load8_u (i32.add (local.get $map) (i32.load8_u (local.get $p)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  ;; The electrode side of each column u of img (cw × ch) replaced by the crystal just beyond the
  ;; interface: with s = min(ch − 1, max(0, floor(vPx[u]) + 4)) (vPx: f32), img[v, u] = img[s, u]
  ;; for v < s. Row by row (each row's writes are contiguous; column by column they were not).
  (func (export "crystalOnly") (param $img i32) (param $cw i32) (param $ch i32) (param $vPx i32) (param $from i32)
    (local $u i32) (local $v i32) (local $s i32) (local $row i32) (local $smax i32) (local $sf f64)
    ;; from[u] (i32) = s of column u; smax their largest
    (block $d0 (loop $l0
      (br_if $d0 (i32.ge_s (local.get $u) (local.get $cw)))
      ;; (in doubles, as Math.min(ch − 1, Math.max(0, Math.floor(vPx[u]) + 4)); NaN: no row is replaced)
      (local.set $sf (f64.min (f64.convert_i32_s (i32.sub (local.get $ch) (i32.const 1)))
        (f64.max (f64.const 0) (f64.add (f64.floor (f64.promote_f32 (f32.load (i32.add (local.get $vPx) (i32.shl (local.get $u) (i32.const 2)))))) (f64.const 4)))))
      (local.set $s (select (i32.trunc_sat_f64_s (local.get $sf)) (i32.const 0) (f64.eq (local.get $sf) (local.get $sf))))
      (i32.store (i32.add (local.get $from) (i32.shl (local.get $u) (i32.const 2))) (local.get $s))
      (if (i32.gt_s (local.get $s) (local.get $smax)) (then (local.set $smax (local.get $s))))
      (local.set $u (i32.add (local.get $u) (i32.const 1)))
      (br $l0)))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_s (local.get $v) (local.get $smax)))
      (local.set $row (i32.add (local.get $img) (i32.mul (local.get $v) (local.get $cw))))
      (local.set $u (i32.const 0))
      (block $d2 (loop $l2
        (br_if $d2 (i32.ge_s (local.get $u) (local.get $cw)))
        (local.set $s (i32.load (i32.add (local.get $from) (i32.shl (local.get $u) (i32.const 2)))))
        (if (i32.lt_s (local.get $v) (local.get $s))
          (then (i32.store8 (i32.add (local.get $row) (local.get $u))
            (i32.load8_u (i32.add (local.get $img) (i32.add (i32.mul (local.get $s) (local.get $cw)) (local.get $u)))))))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $l2)))
      (local.set $v (i32.add (local.get $v) (i32.const 1)))
      (br $l1))))

  ;; The segmenter's background of the crystal (Segmenter's constructor), in place: B[i] (f32) is
  ;; kept where v > vPx[u] + 0.5 (in doubles) and B[i] > 0, else set to 0; rows v0 ≤ v < v1 of cw columns
  (func (export "crystalBackground") (param $vPx i32) (param $B i32) (param $cw i32) (param $v0 i32) (param $v1 i32)
    (local $v i32) (local $u i32) (local $p i32) (local $fv f64)
    (local.set $v (local.get $v0))
    (block $d0 (loop $rows
      (br_if $d0 (i32.ge_s (local.get $v) (local.get $v1)))
      (local.set $fv (f64.convert_i32_s (local.get $v)))
      (local.set $u (i32.const 0))
      (block $d1 (loop $cols
        (br_if $d1 (i32.ge_s (local.get $u) (local.get $cw)))
        (local.set $p (i32.add (local.get $B) (i32.shl (i32.add (i32.mul (local.get $v) (local.get $cw)) (local.get $u)) (i32.const 2))))
        (if (i32.eqz (i32.and
              (f64.gt (local.get $fv) (f64.add (f64.promote_f32 (f32.load (i32.add (local.get $vPx) (i32.shl (local.get $u) (i32.const 2))))) (f64.const 0.5)))
              (f32.gt (f32.load (local.get $p)) (f32.const 0))))
          (then (f32.store (local.get $p) (f32.const 0))))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $cols)))
      (local.set $v (i32.add (local.get $v) (i32.const 1)))
      (br $rows))))

  ;; The coarse detector's 2 × 2 sums of the background (CoarseDetector's constructor): for binned
  ;; rows y0 ≤ y < y1 of hw columns, with i = 2y × cw + 2x, bSum[y × hw + x] (f32) = B[i] + B[i + 1]
  ;; + B[i + cw] + B[i + cw + 1] (added in doubles, in that order) where the four bg values are ≠ 0,
  ;; else 0 (bg, B: f32, cw columns)
  (func (export "binnedBackground") (param $bg i32) (param $B i32) (param $cw i32) (param $hw i32) (param $y0 i32) (param $y1 i32) (param $bSum i32)
    (local $y i32) (local $x i32) (local $i i32) (local $row i32) (local $s f32)
    (local.set $row (i32.shl (local.get $cw) (i32.const 2)))
    (local.set $y (local.get $y0))
    (block $d0 (loop $rows
      (br_if $d0 (i32.ge_s (local.get $y) (local.get $y1)))
      (local.set $x (i32.const 0))
      (block $d1 (loop $cols
        (br_if $d1 (i32.ge_s (local.get $x) (local.get $hw)))
        (local.set $i (i32.shl (i32.add (i32.mul (i32.shl (local.get $y) (i32.const 1)) (local.get $cw)) (i32.shl (local.get $x) (i32.const 1))) (i32.const 2)))
        (local.set $s (f32.const 0))
        (if (i32.and
              (i32.and (f32.ne (f32.load (i32.add (local.get $bg) (local.get $i))) (f32.const 0))
                       (f32.ne (f32.load offset=4 (i32.add (local.get $bg) (local.get $i))) (f32.const 0)))
              (i32.and (f32.ne (f32.load (i32.add (local.get $bg) (i32.add (local.get $i) (local.get $row)))) (f32.const 0))
                       (f32.ne (f32.load offset=4 (i32.add (local.get $bg) (i32.add (local.get $i) (local.get $row)))) (f32.const 0))))
          (then
            (local.set $s (f32.demote_f64
              (f64.add
                (f64.add
                  (f64.add
                    (f64.promote_f32 (f32.load (i32.add (local.get $B) (local.get $i))))
                    (f64.promote_f32 (f32.load offset=4 (i32.add (local.get $B) (local.get $i)))))
                  (f64.promote_f32 (f32.load (i32.add (local.get $B) (i32.add (local.get $i) (local.get $row))))))
                (f64.promote_f32 (f32.load offset=4 (i32.add (local.get $B) (i32.add (local.get $i) (local.get $row))))))))))
        (f32.store (i32.add (local.get $bSum) (i32.shl (i32.add (i32.mul (local.get $y) (local.get $hw)) (local.get $x)) (i32.const 2))) (local.get $s))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $cols)))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br $rows))))
)
