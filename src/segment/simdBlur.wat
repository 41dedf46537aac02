;; 5 × 5 and 3 × 3 Gaussian blurs of a float32 image on a rectangle, bit for bit
;; cv.GaussianBlur(ksize 5 or 3, σ 0, BORDER_REPLICATE) on a sub-matrix of the whole image: kernel
;; (1, 4, 6, 4, 1)/16 or (1, 2, 1)/4, a row pass then a column pass, each result rounded to float32
;; after every operation in this order:
;;   5 × 5 row:    (c·0.375 + (l1 + r1)·0.25) + (l2 + r2)·0.0625
;;         column: (m·0.375 + (d1 + u1)·0.25) + (d2 + u2)·0.0625
;;   3 × 3 row:    c·0.5 + (l + r)·0.25;  column: m·0.5 + (d + u)·0.25
;; Pixels beyond the rectangle are read from the image around it; beyond the image, the nearest
;; edge pixel is repeated. Four pixels at a time (SIMD f32x4: IEEE single precision, the same
;; rounding as OpenCV's scalar code), the edges and the remainder one at a time.
;;
;; Source of src/segment/simdBlurWasm.ts (`node scripts/build-wasm.mjs`; a test checks they agree).
;; Memory is the caller's (imported); all pointers are byte offsets, images row-major f32.
(module
  (import "env" "memory" (memory 1))

  ;; the row pass at column u of the row starting at byte `row`, edges repeated (0 ≤ u < cw)
  (func $px (param $row i32) (param $cw i32) (param $u i32) (result f32)
    (local $last i32) (local $l1 i32) (local $l2 i32) (local $r1 i32) (local $r2 i32)
    (local.set $last (i32.sub (local.get $cw) (i32.const 1)))
    (local.set $l1 (select (i32.sub (local.get $u) (i32.const 1)) (i32.const 0) (i32.gt_s (local.get $u) (i32.const 0))))
    (local.set $l2 (select (i32.sub (local.get $u) (i32.const 2)) (i32.const 0) (i32.gt_s (local.get $u) (i32.const 1))))
    (local.set $r1 (select (i32.add (local.get $u) (i32.const 1)) (local.get $last) (i32.lt_s (local.get $u) (local.get $last))))
    (local.set $r2 (select (i32.add (local.get $u) (i32.const 2)) (local.get $last) (i32.lt_s (i32.add (local.get $u) (i32.const 1)) (local.get $last))))
    (f32.add
      (f32.add
        (f32.mul (f32.load (i32.add (local.get $row) (i32.shl (local.get $u) (i32.const 2)))) (f32.const 0.375))
        (f32.mul
          (f32.add
            (f32.load (i32.add (local.get $row) (i32.shl (local.get $l1) (i32.const 2))))
            (f32.load (i32.add (local.get $row) (i32.shl (local.get $r1) (i32.const 2)))))
          (f32.const 0.25)))
      (f32.mul
        (f32.add
          (f32.load (i32.add (local.get $row) (i32.shl (local.get $l2) (i32.const 2))))
          (f32.load (i32.add (local.get $row) (i32.shl (local.get $r2) (i32.const 2)))))
        (f32.const 0.0625))))

  ;; the row pass of columns [x, x + w) of the row starting at byte `row` into out[0 … w)
  (func $rowPass (param $row i32) (param $cw i32) (param $x i32) (param $w i32) (param $out i32)
    (local $u i32) (local $end i32) (local $a i32) (local $b i32) (local $p i32) (local $o i32)
    (local.set $end (i32.add (local.get $x) (local.get $w)))
    ;; columns with two neighbours inside the image on both sides: [max(x, 2), min(end, cw − 2))
    (local.set $a (select (local.get $x) (i32.const 2) (i32.gt_s (local.get $x) (i32.const 2))))
    (local.set $b (select (local.get $end) (i32.sub (local.get $cw) (i32.const 2))
      (i32.lt_s (local.get $end) (i32.sub (local.get $cw) (i32.const 2)))))
    (local.set $u (local.get $x))
    ;; left edge
    (block $done1
      (loop $edge
        (br_if $done1 (i32.ge_s (local.get $u) (local.get $a)))
        (br_if $done1 (i32.ge_s (local.get $u) (local.get $end)))
        (f32.store (i32.add (local.get $out) (i32.shl (i32.sub (local.get $u) (local.get $x)) (i32.const 2)))
          (call $px (local.get $row) (local.get $cw) (local.get $u)))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $edge)))
    ;; inside: four at a time
    (block $done2
      (loop $simd
        (br_if $done2 (i32.gt_s (i32.add (local.get $u) (i32.const 4)) (local.get $b)))
        (local.set $p (i32.add (local.get $row) (i32.shl (local.get $u) (i32.const 2))))
        (local.set $o (i32.add (local.get $out) (i32.shl (i32.sub (local.get $u) (local.get $x)) (i32.const 2))))
        (v128.store (local.get $o)
          (f32x4.add
            (f32x4.add
              (f32x4.mul (v128.load (local.get $p)) (f32x4.splat (f32.const 0.375)))
              (f32x4.mul
                (f32x4.add (v128.load offset=0 (i32.sub (local.get $p) (i32.const 4))) (v128.load offset=4 (local.get $p)))
                (f32x4.splat (f32.const 0.25))))
            (f32x4.mul
              (f32x4.add (v128.load offset=0 (i32.sub (local.get $p) (i32.const 8))) (v128.load offset=8 (local.get $p)))
              (f32x4.splat (f32.const 0.0625)))))
        (local.set $u (i32.add (local.get $u) (i32.const 4)))
        (br $simd)))
    ;; the rest and the right edge
    (block $done3
      (loop $rest
        (br_if $done3 (i32.ge_s (local.get $u) (local.get $end)))
        (f32.store (i32.add (local.get $out) (i32.shl (i32.sub (local.get $u) (local.get $x)) (i32.const 2)))
          (call $px (local.get $row) (local.get $cw) (local.get $u)))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $rest))))

  ;; the column pass of one output row: dst[k] from the five row-pass rows r0 … r4 (rows v − 2 … v + 2), k in [0, w)
  (func $colPass (param $dst i32) (param $w i32) (param $r0 i32) (param $r1 i32) (param $r2 i32) (param $r3 i32) (param $r4 i32)
    (local $k i32) (local $o i32)
    (block $done1
      (loop $simd
        (br_if $done1 (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $w)))
        (local.set $o (i32.shl (local.get $k) (i32.const 2)))
        (v128.store (i32.add (local.get $dst) (local.get $o))
          (f32x4.add
            (f32x4.add
              (f32x4.mul (v128.load (i32.add (local.get $r2) (local.get $o))) (f32x4.splat (f32.const 0.375)))
              (f32x4.mul
                (f32x4.add (v128.load (i32.add (local.get $r3) (local.get $o))) (v128.load (i32.add (local.get $r1) (local.get $o))))
                (f32x4.splat (f32.const 0.25))))
            (f32x4.mul
              (f32x4.add (v128.load (i32.add (local.get $r4) (local.get $o))) (v128.load (i32.add (local.get $r0) (local.get $o))))
              (f32x4.splat (f32.const 0.0625)))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $simd)))
    (block $done2
      (loop $rest
        (br_if $done2 (i32.ge_s (local.get $k) (local.get $w)))
        (local.set $o (i32.shl (local.get $k) (i32.const 2)))
        (f32.store (i32.add (local.get $dst) (local.get $o))
          (f32.add
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $r2) (local.get $o))) (f32.const 0.375))
              (f32.mul
                (f32.add (f32.load (i32.add (local.get $r3) (local.get $o))) (f32.load (i32.add (local.get $r1) (local.get $o))))
                (f32.const 0.25)))
            (f32.mul
              (f32.add (f32.load (i32.add (local.get $r4) (local.get $o))) (f32.load (i32.add (local.get $r0) (local.get $o))))
              (f32.const 0.0625))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rest))))

  ;; row index v clamped to [0, ch − 1]
  (func $clampRow (param $v i32) (param $ch i32) (result i32)
    (select
      (i32.const 0)
      (select (i32.sub (local.get $ch) (i32.const 1)) (local.get $v) (i32.ge_s (local.get $v) (local.get $ch)))
      (i32.lt_s (local.get $v) (i32.const 0))))

  ;; blur the rectangle [x, x + w) × [y, y + h) of the cw × ch image at `src` into the same
  ;; rectangle of the image at `dst`; `rows`: scratch of 5·w floats
  (func (export "blur5") (param $src i32) (param $dst i32) (param $cw i32) (param $ch i32)
    (param $x i32) (param $y i32) (param $w i32) (param $h i32) (param $rows i32)
    (local $j i32) (local $q i32) (local $v i32) (local $wb i32) (local $rb i32)
    (local.set $wb (i32.shl (local.get $w) (i32.const 2)))
    (local.set $rb (i32.shl (local.get $cw) (i32.const 2)))
    ;; rows y − 2 … y + 2 into slots 0 … 4
    (block $done1
      (loop $fill
        (br_if $done1 (i32.ge_s (local.get $j) (i32.const 5)))
        (call $rowPass
          (i32.add (local.get $src) (i32.mul (call $clampRow (i32.add (local.get $y) (i32.sub (local.get $j) (i32.const 2))) (local.get $ch)) (local.get $rb)))
          (local.get $cw) (local.get $x) (local.get $w)
          (i32.add (local.get $rows) (i32.mul (local.get $j) (local.get $wb))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $fill)))
    ;; output row q (v = y + q) from slots q, q + 1, … q + 4 (mod 5); then row v + 3 into slot q mod 5
    (block $done2
      (loop $out
        (br_if $done2 (i32.ge_s (local.get $q) (local.get $h)))
        (local.set $v (i32.add (local.get $y) (local.get $q)))
        (call $colPass
          (i32.add (local.get $dst) (i32.add (i32.mul (local.get $v) (local.get $rb)) (i32.shl (local.get $x) (i32.const 2))))
          (local.get $w)
          (i32.add (local.get $rows) (i32.mul (i32.rem_u (local.get $q) (i32.const 5)) (local.get $wb)))
          (i32.add (local.get $rows) (i32.mul (i32.rem_u (i32.add (local.get $q) (i32.const 1)) (i32.const 5)) (local.get $wb)))
          (i32.add (local.get $rows) (i32.mul (i32.rem_u (i32.add (local.get $q) (i32.const 2)) (i32.const 5)) (local.get $wb)))
          (i32.add (local.get $rows) (i32.mul (i32.rem_u (i32.add (local.get $q) (i32.const 3)) (i32.const 5)) (local.get $wb)))
          (i32.add (local.get $rows) (i32.mul (i32.rem_u (i32.add (local.get $q) (i32.const 4)) (i32.const 5)) (local.get $wb))))
        (if (i32.lt_s (i32.add (local.get $q) (i32.const 1)) (local.get $h))
          (then
            (call $rowPass
              (i32.add (local.get $src) (i32.mul (call $clampRow (i32.add (local.get $v) (i32.const 3)) (local.get $ch)) (local.get $rb)))
              (local.get $cw) (local.get $x) (local.get $w)
              (i32.add (local.get $rows) (i32.mul (i32.rem_u (local.get $q) (i32.const 5)) (local.get $wb))))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $out))))

  ;; 3 × 3: the row pass at column u of the row starting at byte `row`, edges repeated
  (func $px3 (param $row i32) (param $cw i32) (param $u i32) (result f32)
    (local $l i32) (local $r i32)
    (local.set $l (select (i32.sub (local.get $u) (i32.const 1)) (i32.const 0) (i32.gt_s (local.get $u) (i32.const 0))))
    (local.set $r (select (i32.add (local.get $u) (i32.const 1)) (i32.sub (local.get $cw) (i32.const 1))
      (i32.lt_s (local.get $u) (i32.sub (local.get $cw) (i32.const 1)))))
    (f32.add
      (f32.mul (f32.load (i32.add (local.get $row) (i32.shl (local.get $u) (i32.const 2)))) (f32.const 0.5))
      (f32.mul
        (f32.add
          (f32.load (i32.add (local.get $row) (i32.shl (local.get $l) (i32.const 2))))
          (f32.load (i32.add (local.get $row) (i32.shl (local.get $r) (i32.const 2)))))
        (f32.const 0.25))))

  ;; 3 × 3: the row pass of columns [x, x + w) of the row starting at byte `row` into out[0 … w)
  (func $rowPass3 (param $row i32) (param $cw i32) (param $x i32) (param $w i32) (param $out i32)
    (local $u i32) (local $end i32) (local $a i32) (local $b i32) (local $p i32)
    (local.set $end (i32.add (local.get $x) (local.get $w)))
    ;; columns with a neighbour inside the image on both sides: [max(x, 1), min(end, cw − 1))
    (local.set $a (select (local.get $x) (i32.const 1) (i32.gt_s (local.get $x) (i32.const 1))))
    (local.set $b (select (local.get $end) (i32.sub (local.get $cw) (i32.const 1))
      (i32.lt_s (local.get $end) (i32.sub (local.get $cw) (i32.const 1)))))
    (local.set $u (local.get $x))
    (block $done1
      (loop $edge
        (br_if $done1 (i32.ge_s (local.get $u) (local.get $a)))
        (br_if $done1 (i32.ge_s (local.get $u) (local.get $end)))
        (f32.store (i32.add (local.get $out) (i32.shl (i32.sub (local.get $u) (local.get $x)) (i32.const 2)))
          (call $px3 (local.get $row) (local.get $cw) (local.get $u)))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $edge)))
    (block $done2
      (loop $simd
        (br_if $done2 (i32.gt_s (i32.add (local.get $u) (i32.const 4)) (local.get $b)))
        (local.set $p (i32.add (local.get $row) (i32.shl (local.get $u) (i32.const 2))))
        (v128.store (i32.add (local.get $out) (i32.shl (i32.sub (local.get $u) (local.get $x)) (i32.const 2)))
          (f32x4.add
            (f32x4.mul (v128.load (local.get $p)) (f32x4.splat (f32.const 0.5)))
            (f32x4.mul
              (f32x4.add (v128.load offset=0 (i32.sub (local.get $p) (i32.const 4))) (v128.load offset=4 (local.get $p)))
              (f32x4.splat (f32.const 0.25)))))
        (local.set $u (i32.add (local.get $u) (i32.const 4)))
        (br $simd)))
    (block $done3
      (loop $rest
        (br_if $done3 (i32.ge_s (local.get $u) (local.get $end)))
        (f32.store (i32.add (local.get $out) (i32.shl (i32.sub (local.get $u) (local.get $x)) (i32.const 2)))
          (call $px3 (local.get $row) (local.get $cw) (local.get $u)))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $rest))))

  ;; 3 × 3: the column pass of one output row from the row-pass rows r0 … r2 (rows v − 1 … v + 1)
  (func $colPass3 (param $dst i32) (param $w i32) (param $r0 i32) (param $r1 i32) (param $r2 i32)
    (local $k i32) (local $o i32)
    (block $done1
      (loop $simd
        (br_if $done1 (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $w)))
        (local.set $o (i32.shl (local.get $k) (i32.const 2)))
        (v128.store (i32.add (local.get $dst) (local.get $o))
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $r1) (local.get $o))) (f32x4.splat (f32.const 0.5)))
            (f32x4.mul
              (f32x4.add (v128.load (i32.add (local.get $r2) (local.get $o))) (v128.load (i32.add (local.get $r0) (local.get $o))))
              (f32x4.splat (f32.const 0.25)))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $simd)))
    (block $done2
      (loop $rest
        (br_if $done2 (i32.ge_s (local.get $k) (local.get $w)))
        (local.set $o (i32.shl (local.get $k) (i32.const 2)))
        (f32.store (i32.add (local.get $dst) (local.get $o))
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $r1) (local.get $o))) (f32.const 0.5))
            (f32.mul
              (f32.add (f32.load (i32.add (local.get $r2) (local.get $o))) (f32.load (i32.add (local.get $r0) (local.get $o))))
              (f32.const 0.25))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rest))))

  ;; 3 × 3 blur of the rectangle [x, x + w) × [y, y + h) of `src` into `dst`; `rows`: scratch of 3·w floats
  (func (export "blur3") (param $src i32) (param $dst i32) (param $cw i32) (param $ch i32)
    (param $x i32) (param $y i32) (param $w i32) (param $h i32) (param $rows i32)
    (local $j i32) (local $q i32) (local $v i32) (local $wb i32) (local $rb i32)
    (local.set $wb (i32.shl (local.get $w) (i32.const 2)))
    (local.set $rb (i32.shl (local.get $cw) (i32.const 2)))
    ;; rows y − 1 … y + 1 into slots 0 … 2
    (block $done1
      (loop $fill
        (br_if $done1 (i32.ge_s (local.get $j) (i32.const 3)))
        (call $rowPass3
          (i32.add (local.get $src) (i32.mul (call $clampRow (i32.add (local.get $y) (i32.sub (local.get $j) (i32.const 1))) (local.get $ch)) (local.get $rb)))
          (local.get $cw) (local.get $x) (local.get $w)
          (i32.add (local.get $rows) (i32.mul (local.get $j) (local.get $wb))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $fill)))
    ;; output row q (v = y + q) from slots q, q + 1, q + 2 (mod 3); then row v + 2 into slot q mod 3
    (block $done2
      (loop $out
        (br_if $done2 (i32.ge_s (local.get $q) (local.get $h)))
        (local.set $v (i32.add (local.get $y) (local.get $q)))
        (call $colPass3
          (i32.add (local.get $dst) (i32.add (i32.mul (local.get $v) (local.get $rb)) (i32.shl (local.get $x) (i32.const 2))))
          (local.get $w)
          (i32.add (local.get $rows) (i32.mul (i32.rem_u (local.get $q) (i32.const 3)) (local.get $wb)))
          (i32.add (local.get $rows) (i32.mul (i32.rem_u (i32.add (local.get $q) (i32.const 1)) (i32.const 3)) (local.get $wb)))
          (i32.add (local.get $rows) (i32.mul (i32.rem_u (i32.add (local.get $q) (i32.const 2)) (i32.const 3)) (local.get $wb))))
        (if (i32.lt_s (i32.add (local.get $q) (i32.const 1)) (local.get $h))
          (then
            (call $rowPass3
              (i32.add (local.get $src) (i32.mul (call $clampRow (i32.add (local.get $v) (i32.const 2)) (local.get $ch)) (local.get $rb)))
              (local.get $cw) (local.get $x) (local.get $w)
              (i32.add (local.get $rows) (i32.mul (i32.rem_u (local.get $q) (i32.const 3)) (local.get $wb))))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $out))))
)
