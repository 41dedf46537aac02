;; The reference image's whole-frame passes, sixteen pixels at a time (WebAssembly SIMD), bit for
;; bit what reference.ts's median5 and rectMorphology.ts's closeRect compute in JavaScript:
;;   median5:   per pixel, the median of five gray images;
;;   closeRect: grey-level closing with a k × k rectangle (k odd, 1 ≤ k ≤ 63), pixels outside the
;;              image ignored (cv.morphologyEx MORPH_CLOSE, MORPH_RECT, default border).
;; Why: the reference is built once per run, from the first frames, while ffmpeg waits on a full
;; frame ring — its time is start-up on the critical path. These loops ran for the first (and
;; only) time in JavaScript: ≈ 55 ms (closing) and ≈ 15 ms (median) even when compiled, and 2–3×
;; that in the real run, where they were not yet.
;;
;; The closing is a dilation then an erosion (255 − dilation(255 − ·)), each separable: a running
;; max along rows, then along columns. A running max over a window of k is built by doubling:
;; m_1 = p, m_2s[j] = max(m_s[j], m_s[j + s]) … up to m_P with P the largest power of two ≤ k
;; (P ≤ k < 2P), and the window [x − h, x + h] (h = k >> 1) is max(m_P[x − h], m_P[x + h − P + 1]).
;; Along rows each row goes through a buffer with 64 zero bytes on each side (zero: the neutral
;; element of max on bytes, i.e. pixels outside the image ignored); along columns whole rows are
;; the elements, in an image with 64 zero rows above and below.
;;
;; Source of src/segment/simdRefWasm.ts (`node scripts/build-wasm.mjs`; a test checks they agree).
;; Memory is the caller's (imported); pointers are byte offsets; images are row-major bytes.
(module
  (import "env" "memory" (memory 1))

  ;; out[i] = median(a[i], b[i], c[i], d[i], e[i]) for i < n (n ≥ 16):
  ;; med3(e, max(min(a, b), min(c, d)), min(max(a, b), max(c, d)))
  (func (export "median5") (param $a i32) (param $b i32) (param $c i32) (param $d i32) (param $e i32)
    (param $out i32) (param $n i32)
    (local $i i32) (local $last i32)
    (local.set $last (i32.sub (local.get $n) (i32.const 16)))
    (block $done
      (loop $vec
        ;; the last vector ends at n (it may overlap the one before: the same values again)
        (if (i32.gt_s (local.get $i) (local.get $last)) (then (local.set $i (local.get $last))))
        (call $med5at (local.get $a) (local.get $b) (local.get $c) (local.get $d) (local.get $e) (local.get $out) (local.get $i))
        (br_if $done (i32.ge_s (local.get $i) (local.get $last)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec))))

  (func $med5at (param $a i32) (param $b i32) (param $c i32) (param $d i32) (param $e i32) (param $out i32) (param $i i32)
    (local $va v128) (local $vb v128) (local $vc v128) (local $vd v128) (local $ve v128) (local $f v128) (local $g v128)
    (local.set $va (v128.load (i32.add (local.get $a) (local.get $i))))
    (local.set $vb (v128.load (i32.add (local.get $b) (local.get $i))))
    (local.set $vc (v128.load (i32.add (local.get $c) (local.get $i))))
    (local.set $vd (v128.load (i32.add (local.get $d) (local.get $i))))
    (local.set $ve (v128.load (i32.add (local.get $e) (local.get $i))))
    (local.set $f (i8x16.max_u (i8x16.min_u (local.get $va) (local.get $vb)) (i8x16.min_u (local.get $vc) (local.get $vd))))
    (local.set $g (i8x16.min_u (i8x16.max_u (local.get $va) (local.get $vb)) (i8x16.max_u (local.get $vc) (local.get $vd))))
    (v128.store (i32.add (local.get $out) (local.get $i))
      (i8x16.max_u
        (i8x16.min_u (local.get $ve) (local.get $f))
        (i8x16.min_u (i8x16.max_u (local.get $ve) (local.get $f)) (local.get $g)))))

  ;; dst[y, x] = flip ^ max over src[y, x − half … x + half] (clipped to the row), for every row;
  ;; buf: w + 192 bytes, zero beyond its first 64 + w (kept so: only max of zeros lands there)
  (func $rowsMax (param $src i32) (param $dst i32) (param $w i32) (param $h i32) (param $half i32)
    (param $P i32) (param $flip i32) (param $buf i32)
    (local $y i32) (local $u i32) (local $last i32) (local $s i32) (local $j i32) (local $jEnd i32)
    (local $row i32) (local $o1 i32) (local $o2 i32) (local $fv v128)
    (local.set $fv (i8x16.splat (local.get $flip)))
    (local.set $last (i32.sub (local.get $w) (i32.const 16)))
    ;; m_P is needed at j ≤ 64 + (w − 1) + half − P + 1: passes cover [0, jEnd)
    (local.set $jEnd (i32.add (i32.add (i32.const 64) (local.get $w)) (local.get $half)))
    (local.set $o1 (i32.add (local.get $buf) (i32.sub (i32.const 64) (local.get $half))))
    (local.set $o2 (i32.add (local.get $o1) (i32.add (i32.sub (i32.shl (local.get $half) (i32.const 1)) (local.get $P)) (i32.const 1))))
    (local.set $y (i32.const 0))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $row (i32.add (local.get $src) (i32.mul (local.get $y) (local.get $w))))
        ;; the left pad: zero again (the passes of the row before wrote maxima there)
        (v128.store offset=0 (local.get $buf) (v128.const i64x2 0 0))
        (v128.store offset=16 (local.get $buf) (v128.const i64x2 0 0))
        (v128.store offset=32 (local.get $buf) (v128.const i64x2 0 0))
        (v128.store offset=48 (local.get $buf) (v128.const i64x2 0 0))
        ;; the row into buf[64 …]
        (local.set $u (i32.const 0))
        (block $cpDone
          (loop $cp
            (if (i32.gt_s (local.get $u) (local.get $last)) (then (local.set $u (local.get $last))))
            (v128.store offset=64 (i32.add (local.get $buf) (local.get $u)) (v128.load (i32.add (local.get $row) (local.get $u))))
            (br_if $cpDone (i32.ge_s (local.get $u) (local.get $last)))
            (local.set $u (i32.add (local.get $u) (i32.const 16)))
            (br $cp)))
        ;; doubling, in place, ascending (a vector reads j + s … before anything there is written)
        (local.set $s (i32.const 1))
        (block $passesDone
          (loop $passes
            (br_if $passesDone (i32.ge_u (local.get $s) (local.get $P)))
            (local.set $j (local.get $buf))
            (block $pDone
              (loop $p
                (br_if $pDone (i32.ge_u (i32.sub (local.get $j) (local.get $buf)) (local.get $jEnd)))
                (v128.store (local.get $j)
                  (i8x16.max_u (v128.load (local.get $j)) (v128.load (i32.add (local.get $j) (local.get $s)))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $p)))
            (local.set $s (i32.shl (local.get $s) (i32.const 1)))
            (br $passes)))
        ;; the windows
        (local.set $row (i32.add (local.get $dst) (i32.mul (local.get $y) (local.get $w))))
        (local.set $u (i32.const 0))
        (block $outDone
          (loop $out
            (if (i32.gt_s (local.get $u) (local.get $last)) (then (local.set $u (local.get $last))))
            (v128.store (i32.add (local.get $row) (local.get $u))
              (v128.xor (local.get $fv)
                (i8x16.max_u (v128.load (i32.add (local.get $o1) (local.get $u))) (v128.load (i32.add (local.get $o2) (local.get $u))))))
            (br_if $outDone (i32.ge_s (local.get $u) (local.get $last)))
            (local.set $u (i32.add (local.get $u) (i32.const 16)))
            (br $out)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $rows))))

  ;; dst[y, x] = flip ^ max over rows y − half … y + half of column x of the image held in A from
  ;; its row 64 on (rows 0 … 63 above it: zeroed here; the 64 rows below it: zero, kept so);
  ;; A's rows are overwritten (doubling in place)
  (func $colsMax (param $A i32) (param $dst i32) (param $w i32) (param $h i32) (param $half i32)
    (param $P i32) (param $flip i32)
    (local $u i32) (local $last i32) (local $s i32) (local $r i32) (local $rEnd i32) (local $p i32)
    (local $y i32) (local $o1 i32) (local $o2 i32) (local $row i32) (local $fv v128)
    (local.set $fv (i8x16.splat (local.get $flip)))
    (local.set $last (i32.sub (local.get $w) (i32.const 16)))
    ;; zero the 64 rows above
    (local.set $p (local.get $A))
    (local.set $rEnd (i32.add (local.get $A) (i32.mul (i32.const 64) (local.get $w))))
    (block $zDone
      (loop $z
        (br_if $zDone (i32.ge_u (local.get $p) (local.get $rEnd)))
        (v128.store (local.get $p) (v128.const i64x2 0 0))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $z)))
    ;; doubling over rows 0 … 64 + h + half (m_P is read up to row 64 + h − 1 + half − P + 1)
    (local.set $rEnd (i32.add (i32.add (i32.const 64) (local.get $h)) (local.get $half)))
    (local.set $s (i32.const 1))
    (block $passesDone
      (loop $passes
        (br_if $passesDone (i32.ge_u (local.get $s) (local.get $P)))
        (local.set $r (i32.const 0))
        (block $rDone
          (loop $rl
            (br_if $rDone (i32.ge_s (local.get $r) (local.get $rEnd)))
            (local.set $row (i32.add (local.get $A) (i32.mul (local.get $r) (local.get $w))))
            (local.set $o2 (i32.add (local.get $row) (i32.mul (local.get $s) (local.get $w))))
            (local.set $u (i32.const 0))
            (block $uDone
              (loop $ul
                ;; (the last vector may overlap the one before: max is idempotent and row r + s
                ;; is not written before row r)
                (if (i32.gt_s (local.get $u) (local.get $last)) (then (local.set $u (local.get $last))))
                (v128.store (i32.add (local.get $row) (local.get $u))
                  (i8x16.max_u (v128.load (i32.add (local.get $row) (local.get $u))) (v128.load (i32.add (local.get $o2) (local.get $u)))))
                (br_if $uDone (i32.ge_s (local.get $u) (local.get $last)))
                (local.set $u (i32.add (local.get $u) (i32.const 16)))
                (br $ul)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rl)))
        (local.set $s (i32.shl (local.get $s) (i32.const 1)))
        (br $passes)))
    ;; the windows
    (local.set $y (i32.const 0))
    (block $yDone
      (loop $yl
        (br_if $yDone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $o1 (i32.add (local.get $A) (i32.mul (i32.sub (i32.add (local.get $y) (i32.const 64)) (local.get $half)) (local.get $w))))
        (local.set $o2 (i32.add (local.get $o1)
          (i32.mul (i32.add (i32.sub (i32.shl (local.get $half) (i32.const 1)) (local.get $P)) (i32.const 1)) (local.get $w))))
        (local.set $row (i32.add (local.get $dst) (i32.mul (local.get $y) (local.get $w))))
        (local.set $u (i32.const 0))
        (block $uDone
          (loop $ul
            (if (i32.gt_s (local.get $u) (local.get $last)) (then (local.set $u (local.get $last))))
            (v128.store (i32.add (local.get $row) (local.get $u))
              (v128.xor (local.get $fv)
                (i8x16.max_u (v128.load (i32.add (local.get $o1) (local.get $u))) (v128.load (i32.add (local.get $o2) (local.get $u))))))
            (br_if $uDone (i32.ge_s (local.get $u) (local.get $last)))
            (local.set $u (i32.add (local.get $u) (i32.const 16)))
            (br $ul)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl))))

  ;; dst = the closing of src (w × h, w ≥ 16) with the k × k rectangle (k odd, 1 … 63);
  ;; A: (h + 128) × w bytes + 16, zero; buf: w + 192 bytes, zero
  (func (export "closeRect") (param $src i32) (param $dst i32) (param $w i32) (param $h i32) (param $k i32)
    (param $A i32) (param $buf i32)
    (local $half i32) (local $P i32) (local $data i32)
    (local.set $half (i32.shr_u (local.get $k) (i32.const 1)))
    (local.set $P (i32.shl (i32.const 1) (i32.sub (i32.const 31) (i32.clz (local.get $k)))))
    (local.set $data (i32.add (local.get $A) (i32.mul (i32.const 64) (local.get $w))))
    ;; dilation, stored inverted (255 − D)
    (call $rowsMax (local.get $src) (local.get $data) (local.get $w) (local.get $h) (local.get $half) (local.get $P) (i32.const 0) (local.get $buf))
    (call $colsMax (local.get $A) (local.get $dst) (local.get $w) (local.get $h) (local.get $half) (local.get $P) (i32.const 255))
    ;; 255 − dilation(255 − D) = erosion(D)
    (call $rowsMax (local.get $dst) (local.get $data) (local.get $w) (local.get $h) (local.get $half) (local.get $P) (i32.const 0) (local.get $buf))
    (call $colsMax (local.get $A) (local.get $dst) (local.get $w) (local.get $h) (local.get $half) (local.get $P) (i32.const 255)))
)
