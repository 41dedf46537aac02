;; The segmenter's threshold and 3 × 3-cross closing on a rectangle of a cw × ch image, sixteen
;; pixels at a time (WebAssembly SIMD), bit for bit what segmenter.ts's thresholdRect and the
;; former JavaScript crossMorph computed:
;;   thresh: mask = src > t ? 255 : 0 (src float32; t is the largest float32 ≤ the threshold, so
;;           that the float32 comparison equals the float64 one), and the box of the foreground;
;;   cross:  dst = the OR (dilation) or the AND (erosion) of each pixel and its 4 neighbours,
;;           neighbours outside the image left out (cv.dilate / cv.erode with the 3 × 3 cross,
;;           BORDER_CONSTANT and the default border value, on a sub-matrix of the whole image).
;; Pixels beyond the rectangle are read from the image around it; only the rectangle is written.
;;
;; Source of src/segment/simdMaskWasm.ts (`node scripts/build-wasm.mjs`; a test checks they agree).
;; Memory is the caller's (imported, shared with simdBlur.wat's instance); pointers are byte
;; offsets; masks are row-major bytes (0 or 255), src row-major float32.
(module
  (import "env" "memory" (memory 1))

  ;; mask[i] = src[i] > t ? 255 : 0 on [x, x + w) × [y, y + h); the foreground's box into
  ;; box[0 … 3] = (u0, v0, u1, v1) (inclusive, i32); returns 1 when there is foreground
  (func (export "thresh") (param $src i32) (param $dst i32) (param $cw i32) (param $x i32) (param $y i32)
    (param $w i32) (param $h i32) (param $t f32) (param $box i32) (result i32)
    (local $v i32) (local $u i32) (local $end i32) (local $vEnd i32) (local $i i32) (local $a i32) (local $z i32)
    (local $bm i32) (local $p i32) (local $u0 i32) (local $u1 i32) (local $v0 i32) (local $v1 i32)
    (local $tv v128) (local $m v128)
    (local.set $tv (f32x4.splat (local.get $t)))
    (local.set $u0 (i32.const 0x7fffffff))
    (local.set $u1 (i32.const -1))
    (local.set $v0 (i32.const 0x7fffffff))
    (local.set $v1 (i32.const -1))
    (local.set $end (i32.add (local.get $x) (local.get $w)))
    (local.set $vEnd (i32.add (local.get $y) (local.get $h)))
    (local.set $v (local.get $y))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $v) (local.get $vEnd)))
        (local.set $a (i32.const -1))
        (local.set $z (i32.const -1))
        (local.set $i (i32.mul (local.get $v) (local.get $cw)))
        (local.set $u (local.get $x))
        ;; sixteen at a time: four float32 compares narrowed to one byte each
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.gt_s (i32.add (local.get $u) (i32.const 16)) (local.get $end)))
            (local.set $p (i32.add (local.get $src) (i32.shl (i32.add (local.get $i) (local.get $u)) (i32.const 2))))
            (local.set $m
              (i8x16.narrow_i16x8_s
                (i16x8.narrow_i32x4_s
                  (f32x4.gt (v128.load (local.get $p)) (local.get $tv))
                  (f32x4.gt (v128.load offset=16 (local.get $p)) (local.get $tv)))
                (i16x8.narrow_i32x4_s
                  (f32x4.gt (v128.load offset=32 (local.get $p)) (local.get $tv))
                  (f32x4.gt (v128.load offset=48 (local.get $p)) (local.get $tv)))))
            (v128.store (i32.add (local.get $dst) (i32.add (local.get $i) (local.get $u))) (local.get $m))
            (local.set $bm (i8x16.bitmask (local.get $m)))
            (if (local.get $bm)
              (then
                (if (i32.lt_s (local.get $a) (i32.const 0))
                  (then (local.set $a (i32.add (local.get $u) (i32.ctz (local.get $bm))))))
                (local.set $z (i32.add (local.get $u) (i32.sub (i32.const 31) (i32.clz (local.get $bm)))))))
            (local.set $u (i32.add (local.get $u) (i32.const 16)))
            (br $vec)))
        ;; the rest one at a time
        (block $oneDone
          (loop $one
            (br_if $oneDone (i32.ge_s (local.get $u) (local.get $end)))
            (if (f32.gt (f32.load (i32.add (local.get $src) (i32.shl (i32.add (local.get $i) (local.get $u)) (i32.const 2)))) (local.get $t))
              (then
                (i32.store8 (i32.add (local.get $dst) (i32.add (local.get $i) (local.get $u))) (i32.const 255))
                (if (i32.lt_s (local.get $a) (i32.const 0)) (then (local.set $a (local.get $u))))
                (local.set $z (local.get $u)))
              (else
                (i32.store8 (i32.add (local.get $dst) (i32.add (local.get $i) (local.get $u))) (i32.const 0))))
            (local.set $u (i32.add (local.get $u) (i32.const 1)))
            (br $one)))
        (if (i32.ge_s (local.get $z) (i32.const 0))
          (then
            (if (i32.lt_s (local.get $a) (local.get $u0)) (then (local.set $u0 (local.get $a))))
            (if (i32.gt_s (local.get $z) (local.get $u1)) (then (local.set $u1 (local.get $z))))
            (if (i32.lt_s (local.get $v) (local.get $v0)) (then (local.set $v0 (local.get $v))))
            (local.set $v1 (local.get $v))))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $rows)))
    (i32.store (local.get $box) (local.get $u0))
    (i32.store offset=4 (local.get $box) (local.get $v0))
    (i32.store offset=8 (local.get $box) (local.get $u1))
    (i32.store offset=12 (local.get $box) (local.get $v1))
    (i32.ge_s (local.get $u1) (i32.const 0)))

  ;; one pixel of cross: the OR (dilate ≠ 0) or AND of src at row + u, up + u, dn + u and, inside
  ;; the image, row + u ∓ 1 (row, up, dn: byte offsets of the rows from src)
  (func $one (param $src i32) (param $cw i32) (param $row i32) (param $up i32) (param $dn i32) (param $u i32) (param $dilate i32) (result i32)
    (local $q i32) (local $o i32) (local $a i32) (local $c i32)
    (local.set $q (i32.add (local.get $src) (i32.add (local.get $row) (local.get $u))))
    (local.set $c (i32.load8_u (local.get $q)))
    (local.set $o (i32.or (local.get $c) (i32.or
      (i32.load8_u (i32.add (local.get $src) (i32.add (local.get $up) (local.get $u))))
      (i32.load8_u (i32.add (local.get $src) (i32.add (local.get $dn) (local.get $u)))))))
    (local.set $a (i32.and (local.get $c) (i32.and
      (i32.load8_u (i32.add (local.get $src) (i32.add (local.get $up) (local.get $u))))
      (i32.load8_u (i32.add (local.get $src) (i32.add (local.get $dn) (local.get $u)))))))
    (if (i32.gt_s (local.get $u) (i32.const 0))
      (then
        (local.set $c (i32.load8_u (i32.sub (local.get $q) (i32.const 1))))
        (local.set $o (i32.or (local.get $o) (local.get $c)))
        (local.set $a (i32.and (local.get $a) (local.get $c)))))
    (if (i32.lt_s (local.get $u) (i32.sub (local.get $cw) (i32.const 1)))
      (then
        (local.set $c (i32.load8_u offset=1 (local.get $q)))
        (local.set $o (i32.or (local.get $o) (local.get $c)))
        (local.set $a (i32.and (local.get $a) (local.get $c)))))
    (select (local.get $o) (local.get $a) (local.get $dilate)))

  ;; dst = the dilation (dilate ≠ 0) or erosion of src by the 3 × 3 cross on [x, x + w) × [y, y + h)
  (func (export "cross") (param $src i32) (param $dst i32) (param $cw i32) (param $ch i32) (param $x i32) (param $y i32)
    (param $w i32) (param $h i32) (param $dilate i32)
    (local $v i32) (local $vEnd i32) (local $u i32) (local $end i32) (local $a i32) (local $b i32)
    (local $row i32) (local $up i32) (local $dn i32) (local $p i32) (local $pu i32) (local $pd i32)
    (local.set $end (i32.add (local.get $x) (local.get $w)))
    (local.set $vEnd (i32.add (local.get $y) (local.get $h)))
    ;; sixteen at a time on [max(x, 1), min(end, cw − 1)): both horizontal neighbours inside the image
    (local.set $a (select (local.get $x) (i32.const 1) (i32.gt_s (local.get $x) (i32.const 1))))
    (local.set $b (select (local.get $end) (i32.sub (local.get $cw) (i32.const 1))
      (i32.lt_s (local.get $end) (i32.sub (local.get $cw) (i32.const 1)))))
    (local.set $v (local.get $y))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $v) (local.get $vEnd)))
        (local.set $row (i32.mul (local.get $v) (local.get $cw)))
        ;; the rows above and below, or this row itself at the image's top and bottom
        (local.set $up (select (i32.sub (local.get $row) (local.get $cw)) (local.get $row) (i32.gt_s (local.get $v) (i32.const 0))))
        (local.set $dn (select (i32.add (local.get $row) (local.get $cw)) (local.get $row)
          (i32.lt_s (local.get $v) (i32.sub (local.get $ch) (i32.const 1)))))
        (local.set $u (local.get $x))
        (block $leftDone
          (loop $left
            (br_if $leftDone (i32.ge_s (local.get $u) (local.get $a)))
            (br_if $leftDone (i32.ge_s (local.get $u) (local.get $end)))
            (i32.store8 (i32.add (local.get $dst) (i32.add (local.get $row) (local.get $u)))
              (call $one (local.get $src) (local.get $cw) (local.get $row) (local.get $up) (local.get $dn) (local.get $u) (local.get $dilate)))
            (local.set $u (i32.add (local.get $u) (i32.const 1)))
            (br $left)))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.gt_s (i32.add (local.get $u) (i32.const 16)) (local.get $b)))
            (local.set $p (i32.add (local.get $src) (i32.add (local.get $row) (local.get $u))))
            (local.set $pu (i32.add (local.get $src) (i32.add (local.get $up) (local.get $u))))
            (local.set $pd (i32.add (local.get $src) (i32.add (local.get $dn) (local.get $u))))
            (v128.store (i32.add (local.get $dst) (i32.add (local.get $row) (local.get $u)))
              (if (result v128) (local.get $dilate)
                (then
                  (v128.or
                    (v128.or (v128.load (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 1))))
                    (v128.or (v128.load offset=1 (local.get $p)) (v128.or (v128.load (local.get $pu)) (v128.load (local.get $pd))))))
                (else
                  (v128.and
                    (v128.and (v128.load (local.get $p)) (v128.load (i32.sub (local.get $p) (i32.const 1))))
                    (v128.and (v128.load offset=1 (local.get $p)) (v128.and (v128.load (local.get $pu)) (v128.load (local.get $pd))))))))
            (local.set $u (i32.add (local.get $u) (i32.const 16)))
            (br $vec)))
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_s (local.get $u) (local.get $end)))
            (i32.store8 (i32.add (local.get $dst) (i32.add (local.get $row) (local.get $u)))
              (call $one (local.get $src) (local.get $cw) (local.get $row) (local.get $up) (local.get $dn) (local.get $u) (local.get $dilate)))
            (local.set $u (i32.add (local.get $u) (i32.const 1)))
            (br $rest)))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $rows)))))
