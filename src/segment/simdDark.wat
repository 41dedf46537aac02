;; The darkening of a frame where a whole frame is looked at, two pixels at a time (WebAssembly
;; SIMD, float64 lanes), bit for bit what the JavaScript computed:
;;   binned:    coarseDetect.ts's binnedDarkening — per 2 × 2 block of the frame,
;;              D = 1 − Σ map[img] / (gain · bSum) (float64, stored as float32), 0 where bSum ≤ 0;
;;   blurredAt: segmenter.ts's blurredDarkeningAt at the noise samples away from the image's
;;              border — the darkening d = (b − map[img]) / b, b = gain · Bc (float64 rounded to
;;              float32; 0 where Bc = 0) of each one's 5 × 5 neighbourhood, blurred with
;;              cv.GaussianBlur's float32 arithmetic ((1, 4, 6, 4, 1)/16, rows then column);
;;              two samples at a time, one per lane (every frame: the whole frames at ≈ 20 000
;;              samples, the others at a quarter of them).
;;   darken:    segmenter.ts's darkenSpans — the darkening d = (b − map[img]) / b, b = gain · Bc
;;              (float64, stored as float32; 0 where Bc = 0) on row runs of the frame: every
;;              pixel the segmentation looks at, every frame (the segmenter's largest JavaScript
;;              loop late in a long recording, ≈ 1.3 ms a 1080p frame).
;; Why: binned runs on every whole frame (1 in 12), blurredAt on every frame, over 0.5 M
;; (binned) and 0.1–0.5 M (blurredAt) divisions at 1080p; in
;; JavaScript ≈ 5 ms per call even compiled, and mostly not yet compiled in a short run. Float64
;; division two lanes at a time; every operation is the one JavaScript did (IEEE, same order),
;; so the results are the same bits.
;;
;; Source of src/segment/simdDarkWasm.ts (`node scripts/build-wasm.mjs`; a test checks they agree).
;; Memory is the caller's (imported); pointers are byte offsets.
(module
  (import "env" "memory" (memory 1))

  ;; the sum of map[img] over the 2 × 2 block whose top-left pixel is at img + p (rows cw apart)
  (func $blockSum (param $img i32) (param $map i32) (param $p i32) (param $cw i32) (result i32)
    (local $q i32)
    (local.set $q (i32.add (local.get $img) (local.get $p)))
    (i32.add
      (i32.add
        (i32.load8_u (i32.add (local.get $map) (i32.load8_u (local.get $q))))
        (i32.load8_u (i32.add (local.get $map) (i32.load8_u offset=1 (local.get $q)))))
      (i32.add
        (i32.load8_u (i32.add (local.get $map) (i32.load8_u (i32.add (local.get $q) (local.get $cw)))))
        (i32.load8_u (i32.add (local.get $map) (i32.load8_u (i32.add (i32.add (local.get $q) (local.get $cw)) (i32.const 1))))))))

  ;; D[y·hw + x] (float32) for the hw × hh blocks of the cw-wide frame img (bytes; map: 256 bytes;
  ;; bSum: float32 per block)
  (func (export "binned") (param $img i32) (param $map i32) (param $bSum i32) (param $gain f64) (param $D i32)
    (param $hw i32) (param $hh i32) (param $cw i32)
    (local $y i32) (local $x i32) (local $r0 i32) (local $o i32) (local $gv v128) (local $bs v128) (local $sv v128)
    (local $d v128) (local $bs1 f64) (local $s1 f64)
    (local.set $gv (f64x2.splat (local.get $gain)))
    (block $yDone
      (loop $yl
        (br_if $yDone (i32.ge_s (local.get $y) (local.get $hh)))
        (local.set $r0 (i32.mul (i32.shl (local.get $y) (i32.const 1)) (local.get $cw)))
        (local.set $o (i32.mul (local.get $y) (local.get $hw)))
        (local.set $x (i32.const 0))
        (block $xDone
          (loop $xl
            (br_if $xDone (i32.gt_s (i32.add (local.get $x) (i32.const 2)) (local.get $hw)))
            ;; bs = bSum · gain (float32 → float64), two blocks
            (local.set $bs (f64x2.mul
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $bSum) (i32.shl (i32.add (local.get $o) (local.get $x)) (i32.const 2)))))
              (local.get $gv)))
            (local.set $sv (f64x2.replace_lane 1
              (f64x2.splat (f64.convert_i32_u (call $blockSum (local.get $img) (local.get $map) (i32.add (local.get $r0) (i32.shl (local.get $x) (i32.const 1))) (local.get $cw))))
              (f64.convert_i32_u (call $blockSum (local.get $img) (local.get $map) (i32.add (local.get $r0) (i32.add (i32.shl (local.get $x) (i32.const 1)) (i32.const 2))) (local.get $cw)))))
            ;; 1 − s / bs where bs > 0, else 0 (+0: all bits clear)
            (local.set $d (v128.and
              (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.div (local.get $sv) (local.get $bs)))
              (f64x2.gt (local.get $bs) (f64x2.splat (f64.const 0)))))
            (v128.store64_lane 0 (i32.add (local.get $D) (i32.shl (i32.add (local.get $o) (local.get $x)) (i32.const 2)))
              (f32x4.demote_f64x2_zero (local.get $d)))
            (local.set $x (i32.add (local.get $x) (i32.const 2)))
            (br $xl)))
        ;; an odd last block
        (if (i32.lt_s (local.get $x) (local.get $hw))
          (then
            (local.set $bs1 (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $bSum) (i32.shl (i32.add (local.get $o) (local.get $x)) (i32.const 2))))) (local.get $gain)))
            (local.set $s1 (f64.convert_i32_u (call $blockSum (local.get $img) (local.get $map) (i32.add (local.get $r0) (i32.shl (local.get $x) (i32.const 1))) (local.get $cw))))
            (f32.store (i32.add (local.get $D) (i32.shl (i32.add (local.get $o) (local.get $x)) (i32.const 2)))
              (if (result f32) (f64.gt (local.get $bs1) (f64.const 0))
                (then (f32.demote_f64 (f64.sub (f64.const 1) (f64.div (local.get $s1) (local.get $bs1)))))
                (else (f32.const 0))))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl))))

  ;; sb[2k], sb[2k + 1] (float64) = the blurred darkening at the two samples of pair k < pairs,
  ;; one per lane: their pixels are pix[2k], pix[2k + 1] (int32 indices into img, cw wide; at
  ;; least 2 px inside every border), and the background at their 5 × 5 neighbourhoods is laid
  ;; out pair by pair, row by row: bcs + 200k + 8t, t = 5·row + column (float32 pairs). Each
  ;; pixel gives d = (b − g) / b, b = gain · Bc (float64), g = map[img], rounded to float32 (+0
  ;; where Bc = 0); each row's 5-tap blur, then the column's, in float32: the operations and
  ;; their order those of blurredDarkeningAt. scr: 80 bytes of scratch (16-aligned).
  (func (export "blurredAt") (param $img i32) (param $map i32) (param $cw i32) (param $pix i32) (param $bcs i32) (param $gain f64)
    (param $pairs i32) (param $sb i32) (param $scr i32)
    (local $k i32) (local $r i32) (local $c i32) (local $pb i32) (local $a i32) (local $b i32)
    (local $gv v128) (local $bc v128) (local $bv v128) (local $g v128) (local $d v128)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128) (local $d4 v128)
    (local.set $gv (f64x2.splat (local.get $gain)))
    (local.set $pb (local.get $bcs))
    (block $done
      (loop $kl
        (br_if $done (i32.ge_s (local.get $k) (local.get $pairs)))
        ;; rows −2 … 2: the row blur of each into scr + 16·r (f32x4, lanes 0 and 1)
        (local.set $r (i32.const 0))
        (loop $rl
          ;; columns −2 … 2 of the row (a, b: the two samples' pixels there, in the frame's copy):
          ;; the darkening into d0 … d4
          (local.set $a (i32.add (local.get $img) (i32.add (i32.load (i32.add (local.get $pix) (i32.shl (local.get $k) (i32.const 3))))
            (i32.sub (i32.mul (i32.sub (local.get $r) (i32.const 2)) (local.get $cw)) (i32.const 2)))))
          (local.set $b (i32.add (local.get $img) (i32.add (i32.load offset=4 (i32.add (local.get $pix) (i32.shl (local.get $k) (i32.const 3))))
            (i32.sub (i32.mul (i32.sub (local.get $r) (i32.const 2)) (local.get $cw)) (i32.const 2)))))
          (local.set $c (i32.const 0))
          (loop $cl
            (local.set $bc (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $pb))))
            (local.set $bv (f64x2.mul (local.get $gv) (local.get $bc)))
            (local.set $g (f64x2.replace_lane 1
              (f64x2.splat (f64.convert_i32_u (i32.load8_u (i32.add (local.get $map) (i32.load8_u (i32.add (local.get $a) (local.get $c)))))))
              (f64.convert_i32_u (i32.load8_u (i32.add (local.get $map) (i32.load8_u (i32.add (local.get $b) (local.get $c))))))))
            (local.set $d (f32x4.demote_f64x2_zero (v128.and
              (f64x2.div (f64x2.sub (local.get $bv) (local.get $g)) (local.get $bv))
              (v128.not (f64x2.eq (local.get $bc) (f64x2.splat (f64.const 0)))))))
            (local.set $d0 (local.get $d1))
            (local.set $d1 (local.get $d2))
            (local.set $d2 (local.get $d3))
            (local.set $d3 (local.get $d4))
            (local.set $d4 (local.get $d))
            (local.set $pb (i32.add (local.get $pb) (i32.const 8)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br_if $cl (i32.lt_s (local.get $c) (i32.const 5))))
          (v128.store (i32.add (local.get $scr) (i32.shl (local.get $r) (i32.const 4)))
            (f32x4.add
              (f32x4.add
                (f32x4.mul (local.get $d2) (f32x4.splat (f32.const 0.375)))
                (f32x4.mul (f32x4.add (local.get $d1) (local.get $d3)) (f32x4.splat (f32.const 0.25))))
              (f32x4.mul (f32x4.add (local.get $d0) (local.get $d4)) (f32x4.splat (f32.const 0.0625)))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $rl (i32.lt_s (local.get $r) (i32.const 5))))
        ;; the column blur of the five rows, float32, stored as float64 (both lanes)
        (v128.store (i32.add (local.get $sb) (i32.shl (local.get $k) (i32.const 4)))
          (f64x2.promote_low_f32x4
            (f32x4.add
              (f32x4.add
                (f32x4.mul (f32x4.splat (f32.const 0.375)) (v128.load offset=32 (local.get $scr)))
                (f32x4.mul (f32x4.splat (f32.const 0.25)) (f32x4.add (v128.load offset=48 (local.get $scr)) (v128.load offset=16 (local.get $scr)))))
              (f32x4.mul (f32x4.splat (f32.const 0.0625)) (f32x4.add (v128.load offset=64 (local.get $scr)) (v128.load (local.get $scr)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $kl))))

  ;; D[i] (float32) = the darkening of pixel i (as in blurredAt: the same operations, rounded to float32) on the n runs at
  ;; spans: (row, x0, x1) int32 triples, pixels row·cw + x0 … row·cw + x1 − 1 of the cw-wide frame
  (func (export "darken") (param $img i32) (param $map i32) (param $Bc i32) (param $gain f64) (param $D i32)
    (param $cw i32) (param $spans i32) (param $n i32)
    (local $k i32) (local $p i32) (local $row i32) (local $i i32) (local $e i32) (local $q i32) (local $gv v128) (local $bc f32) (local $b f64)
    (local $bc4 v128) (local $g4 v128) (local $blo v128) (local $bhi v128)
    (local.set $gv (f64x2.splat (local.get $gain)))
    (block $done
      (loop $kl
        (br_if $done (i32.ge_s (local.get $k) (local.get $n)))
        (local.set $p (i32.add (local.get $spans) (i32.mul (local.get $k) (i32.const 12))))
        (local.set $row (i32.mul (i32.load (local.get $p)) (local.get $cw)))
        (local.set $i (i32.add (local.get $row) (i32.load offset=4 (local.get $p))))
        (local.set $e (i32.add (local.get $row) (i32.load offset=8 (local.get $p))))
        ;; four pixels at a time: Bc as float32 lanes, b = gain · Bc and g = map[img] as two float64
        ;; pairs, d = (b − g) / b demoted to float32 lanes, cleared (+0) where Bc = 0
        (block $d4
          (loop $l4
            (br_if $d4 (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $e)))
            (local.set $bc4 (v128.load (i32.add (local.get $Bc) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $q (i32.add (local.get $img) (local.get $i)))
            (local.set $g4 (i32x4.replace_lane 3
              (i32x4.replace_lane 2
                (i32x4.replace_lane 1
                  (i32x4.splat (i32.load8_u (i32.add (local.get $map) (i32.load8_u (local.get $q)))))
                  (i32.load8_u (i32.add (local.get $map) (i32.load8_u offset=1 (local.get $q)))))
                (i32.load8_u (i32.add (local.get $map) (i32.load8_u offset=2 (local.get $q)))))
              (i32.load8_u (i32.add (local.get $map) (i32.load8_u offset=3 (local.get $q))))))
            (local.set $blo (f64x2.mul (local.get $gv) (f64x2.promote_low_f32x4 (local.get $bc4))))
            (local.set $bhi (f64x2.mul (local.get $gv)
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $bc4) (local.get $bc4)))))
            (v128.store (i32.add (local.get $D) (i32.shl (local.get $i) (i32.const 2)))
              (v128.andnot
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                  (f32x4.demote_f64x2_zero (f64x2.div
                    (f64x2.sub (local.get $blo) (f64x2.convert_low_i32x4_u (local.get $g4)))
                    (local.get $blo)))
                  (f32x4.demote_f64x2_zero (f64x2.div
                    (f64x2.sub (local.get $bhi)
                      (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $g4) (local.get $g4))))
                    (local.get $bhi))))
                (f32x4.eq (local.get $bc4) (f32x4.splat (f32.const 0)))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $l4)))
        ;; the last one to three
        (block $d1
          (loop $l1
            (br_if $d1 (i32.ge_s (local.get $i) (local.get $e)))
            (local.set $bc (f32.load (i32.add (local.get $Bc) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $b (f64.mul (local.get $gain) (f64.promote_f32 (local.get $bc))))
            (f32.store (i32.add (local.get $D) (i32.shl (local.get $i) (i32.const 2)))
              (if (result f32) (f32.ne (local.get $bc) (f32.const 0))
                (then (f32.demote_f64 (f64.div
                  (f64.sub (local.get $b) (f64.convert_i32_u (i32.load8_u (i32.add (local.get $map) (i32.load8_u (i32.add (local.get $img) (local.get $i)))))))
                  (local.get $b))))
                (else (f32.const 0))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $l1)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $kl))))
)
