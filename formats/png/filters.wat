;; PNG's four predicting filters (PNG §9.2–9.4) in WebAssembly SIMD, 16 bytes per step.
;; Compiled to filters.wasm by scripts/build-wasm.mjs; used through filter-kernels.ts.
;;
;; Why: in JavaScript these loops took 29–72 ms per 12 MB of 8-bit RGB (2000²), more than half
;; of what zlib then needs for the same bytes; here 2–3 ms. Encoding a filter reads raw bytes
;; only (x, a = left, b = above, c = above-left), so every byte of a row is independent of the
;; others and 16 can be done at once.
;;
;; Every function filters n bytes of the row at $cur against the row at $prev into $out, with
;; a, b, c taken $bpp bytes apart. The caller guarantees:
;; - the $bpp (at most 16) bytes before $cur and before $prev are zeros: the pixel left of the
;;   first is 0 (PNG §9.2), so the first pixel needs no case of its own;
;; - $cur and $prev may be read, and $out written, up to n rounded up to 16 bytes: the last step
;;   runs past n, and what it writes past n is overwritten by the caller (the next row's bytes).
(module
  (memory (export "memory") 1)

  ;; Sub: x − a.
  (func (export "sub") (param $cur i32) (param $out i32) (param $n i32) (param $bpp i32)
    (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (v128.store (i32.add (local.get $out) (local.get $i))
        (i8x16.sub
          (v128.load (i32.add (local.get $cur) (local.get $i)))
          (v128.load (i32.sub (i32.add (local.get $cur) (local.get $i)) (local.get $bpp)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))

  ;; Up: x − b.
  (func (export "up") (param $cur i32) (param $prev i32) (param $out i32) (param $n i32)
    (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (v128.store (i32.add (local.get $out) (local.get $i))
        (i8x16.sub
          (v128.load (i32.add (local.get $cur) (local.get $i)))
          (v128.load (i32.add (local.get $prev) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))

  ;; Average: x − floor((a + b) / 2). avgr_u rounds up, (a + b + 1) >> 1; the low bit of a xor b
  ;; says when that differs from rounding down.
  (func (export "average") (param $cur i32) (param $prev i32) (param $out i32) (param $n i32) (param $bpp i32)
    (local $i i32) (local $a v128) (local $b v128)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $a (v128.load (i32.sub (i32.add (local.get $cur) (local.get $i)) (local.get $bpp))))
      (local.set $b (v128.load (i32.add (local.get $prev) (local.get $i))))
      (v128.store (i32.add (local.get $out) (local.get $i))
        (i8x16.sub
          (v128.load (i32.add (local.get $cur) (local.get $i)))
          (i8x16.sub
            (i8x16.avgr_u (local.get $a) (local.get $b))
            (v128.and (v128.xor (local.get $a) (local.get $b)) (v128.const i8x16 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))

  ;; Paeth: x − the Paeth predictor of a, b, c ($paethPredict).
  (func (export "paeth") (param $cur i32) (param $prev i32) (param $out i32) (param $n i32) (param $bpp i32)
    (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (v128.store (i32.add (local.get $out) (local.get $i))
        (i8x16.sub
          (v128.load (i32.add (local.get $cur) (local.get $i)))
          (call $paethPredict
            (v128.load (i32.sub (i32.add (local.get $cur) (local.get $i)) (local.get $bpp)))
            (v128.load (i32.add (local.get $prev) (local.get $i)))
            (v128.load (i32.sub (i32.add (local.get $prev) (local.get $i)) (local.get $bpp))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))

  ;; The heuristic of PNG §12.8, as libpng applies it: the filter type whose filtered bytes, read
  ;; as signed, have the smallest sum of absolute values; ties go to the lower type. Every byte of
  ;; the row counts. Lanes before $bpp take a = c = 0 (their true left neighbours), lanes past n
  ;; count nothing; as $bpp is at most 16, the first step is the only one with lanes before $bpp,
  ;; and the last the only one with lanes past n, so the two masks are made there only. The sums
  ;; are carried into 64 bits every 64 KiB, before a 32-bit lane could overflow.
  (func (export "choose") (param $cur i32) (param $prev i32) (param $n i32) (param $bpp i32) (result i32)
    (local $i i32) (local $chunkEnd i32)
    (local $x v128) (local $a v128) (local $b v128) (local $c v128) (local $keep v128) (local $head v128)
    (local $vNone v128) (local $vSub v128) (local $vUp v128) (local $vAvg v128) (local $vPaeth v128)
    (local $sNone i64) (local $sSub i64) (local $sUp i64) (local $sAvg i64) (local $sPaeth i64)
    (local $best i32) (local $min i64)
    ;; head: lanes k < bpp, for the first step; zero after it.
    (local.set $head (call $lanesBelow (local.get $bpp)))
    (local.set $keep (v128.const i64x2 -1 -1))
    (block $rowDone (loop $chunk
      (br_if $rowDone (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $chunkEnd (i32.add (local.get $i) (i32.const 65536)))
      (local.set $vNone (v128.const i64x2 0 0))
      (local.set $vSub (v128.const i64x2 0 0))
      (local.set $vUp (v128.const i64x2 0 0))
      (local.set $vAvg (v128.const i64x2 0 0))
      (local.set $vPaeth (v128.const i64x2 0 0))
      (block $chunkDone (loop $next
        (br_if $chunkDone (i32.ge_u (local.get $i) (local.get $n)))
        (br_if $chunkDone (i32.ge_u (local.get $i) (local.get $chunkEnd)))
        ;; keep: lanes i + k < n (all of them but in the last step).
        (if (i32.lt_u (i32.sub (local.get $n) (local.get $i)) (i32.const 16))
          (then (local.set $keep (call $lanesBelow (i32.sub (local.get $n) (local.get $i))))))
        (local.set $x (v128.load (i32.add (local.get $cur) (local.get $i))))
        (local.set $a (v128.andnot (v128.load (i32.sub (i32.add (local.get $cur) (local.get $i)) (local.get $bpp))) (local.get $head)))
        (local.set $b (v128.load (i32.add (local.get $prev) (local.get $i))))
        (local.set $c (v128.andnot (v128.load (i32.sub (i32.add (local.get $prev) (local.get $i)) (local.get $bpp))) (local.get $head)))
        (local.set $vNone (i32x4.add (local.get $vNone) (call $absSum (local.get $x) (local.get $keep))))
        (local.set $vSub (i32x4.add (local.get $vSub) (call $absSum (i8x16.sub (local.get $x) (local.get $a)) (local.get $keep))))
        (local.set $vUp (i32x4.add (local.get $vUp) (call $absSum (i8x16.sub (local.get $x) (local.get $b)) (local.get $keep))))
        (local.set $vAvg (i32x4.add (local.get $vAvg) (call $absSum
          (i8x16.sub (local.get $x)
            (i8x16.sub (i8x16.avgr_u (local.get $a) (local.get $b))
              (v128.and (v128.xor (local.get $a) (local.get $b)) (v128.const i8x16 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1))))
          (local.get $keep))))
        (local.set $vPaeth (i32x4.add (local.get $vPaeth) (call $absSum
          (i8x16.sub (local.get $x) (call $paethPredict (local.get $a) (local.get $b) (local.get $c)))
          (local.get $keep))))
        (local.set $head (v128.const i64x2 0 0))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
      (local.set $sNone (i64.add (local.get $sNone) (call $lanes (local.get $vNone))))
      (local.set $sSub (i64.add (local.get $sSub) (call $lanes (local.get $vSub))))
      (local.set $sUp (i64.add (local.get $sUp) (call $lanes (local.get $vUp))))
      (local.set $sAvg (i64.add (local.get $sAvg) (call $lanes (local.get $vAvg))))
      (local.set $sPaeth (i64.add (local.get $sPaeth) (call $lanes (local.get $vPaeth))))
      (br $chunk)))
    (local.set $best (i32.const 0))
    (local.set $min (local.get $sNone))
    (if (i64.lt_u (local.get $sSub) (local.get $min)) (then (local.set $best (i32.const 1)) (local.set $min (local.get $sSub))))
    (if (i64.lt_u (local.get $sUp) (local.get $min)) (then (local.set $best (i32.const 2)) (local.set $min (local.get $sUp))))
    (if (i64.lt_u (local.get $sAvg) (local.get $min)) (then (local.set $best (i32.const 3)) (local.set $min (local.get $sAvg))))
    (if (i64.lt_u (local.get $sPaeth) (local.get $min)) (then (local.set $best (i32.const 4))))
    (local.get $best))

  ;; A byte mask of the lanes k < v, for 0 ≤ v ≤ 16.
  (func $lanesBelow (param $v i32) (result v128)
    (i8x16.gt_s (i8x16.splat (local.get $v)) (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)))

  ;; |v| of each byte read as signed (|−128| = 128), summed into four 32-bit lanes; lanes outside
  ;; $keep count 0.
  (func $absSum (param $v v128) (param $keep v128) (result v128)
    (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (v128.and (i8x16.abs (local.get $v)) (local.get $keep)))))

  ;; The sum of four 32-bit lanes, as 64 bits.
  (func $lanes (param $v v128) (result i64)
    (i64.add
      (i64.add (i64.extend_i32_u (i32x4.extract_lane 0 (local.get $v))) (i64.extend_i32_u (i32x4.extract_lane 1 (local.get $v))))
      (i64.add (i64.extend_i32_u (i32x4.extract_lane 2 (local.get $v))) (i64.extend_i32_u (i32x4.extract_lane 3 (local.get $v))))))

  ;; The Paeth predictor (PNG §9.4) of 16 bytes: pa = |b − c|, pb = |a − c|, pc = |a + b − 2c|,
  ;; computed in 16 bits, eight lanes at a time; the predictor is a where pa ≤ pb and pa ≤ pc, else
  ;; b where pb ≤ pc, else c. The two comparisons become byte masks (narrowing −1 and 0 keeps them)
  ;; that pick among a, b, c.
  (func $paethPredict (param $a v128) (param $b v128) (param $c v128) (result v128)
    (local $pa v128) (local $pb v128) (local $pc v128) (local $bNotC v128) (local $useA v128)
    (local.set $pa (i16x8.sub (i16x8.extend_low_i8x16_u (local.get $b)) (i16x8.extend_low_i8x16_u (local.get $c))))
    (local.set $pb (i16x8.sub (i16x8.extend_low_i8x16_u (local.get $a)) (i16x8.extend_low_i8x16_u (local.get $c))))
    (local.set $pc (i16x8.abs (i16x8.add (local.get $pa) (local.get $pb))))
    (local.set $pa (i16x8.abs (local.get $pa)))
    (local.set $pb (i16x8.abs (local.get $pb)))
    (local.set $bNotC (i16x8.le_s (local.get $pb) (local.get $pc)))
    (local.set $useA (i16x8.le_s (local.get $pa) (i16x8.min_s (local.get $pb) (local.get $pc))))
    (local.set $pa (i16x8.sub (i16x8.extend_high_i8x16_u (local.get $b)) (i16x8.extend_high_i8x16_u (local.get $c))))
    (local.set $pb (i16x8.sub (i16x8.extend_high_i8x16_u (local.get $a)) (i16x8.extend_high_i8x16_u (local.get $c))))
    (local.set $pc (i16x8.abs (i16x8.add (local.get $pa) (local.get $pb))))
    (local.set $pa (i16x8.abs (local.get $pa)))
    (local.set $pb (i16x8.abs (local.get $pb)))
    (local.set $bNotC (i8x16.narrow_i16x8_s (local.get $bNotC) (i16x8.le_s (local.get $pb) (local.get $pc))))
    (local.set $useA (i8x16.narrow_i16x8_s (local.get $useA) (i16x8.le_s (local.get $pa) (i16x8.min_s (local.get $pb) (local.get $pc)))))
    (v128.bitselect (local.get $a) (v128.bitselect (local.get $b) (local.get $c) (local.get $bNotC)) (local.get $useA)))

  ;; Adler-32 (RFC 1950 §8.2) of n bytes at $p, continuing from $adler. Per 16 bytes x0…x15:
  ;; s1 gains Σx, s2 gains 16·s1 + Σ(16 − k)·xk. Within a run of at most 5536 bytes (zlib's NMAX,
  ;; 5552, to a multiple of 16) the lanes hold: $v1 the bytes' sums, $vPrev the sum of $v1 before
  ;; each step (for the 16·s1 terms), $v2 the weighted sums; then they are reduced modulo 65521.
  (func (export "adler32") (param $p i32) (param $n i32) (param $adler i32) (result i32)
    (local $s1 i64) (local $s2 i64) (local $run i32) (local $end i32) (local $x v128)
    (local $v1 v128) (local $v2 v128) (local $vPrev v128)
    (local.set $s1 (i64.extend_i32_u (i32.and (local.get $adler) (i32.const 0xffff))))
    (local.set $s2 (i64.extend_i32_u (i32.shr_u (local.get $adler) (i32.const 16))))
    (block $vectorsDone (loop $runs
      (local.set $run (i32.and (select (i32.const 5536) (local.get $n) (i32.gt_u (local.get $n) (i32.const 5536))) (i32.const -16)))
      (br_if $vectorsDone (i32.eqz (local.get $run)))
      (local.set $s2 (i64.add (local.get $s2) (i64.mul (local.get $s1) (i64.extend_i32_u (local.get $run)))))
      (local.set $v1 (v128.const i64x2 0 0))
      (local.set $v2 (v128.const i64x2 0 0))
      (local.set $vPrev (v128.const i64x2 0 0))
      (local.set $end (i32.add (local.get $p) (local.get $run)))
      (loop $step
        (local.set $x (v128.load (local.get $p)))
        (local.set $vPrev (i32x4.add (local.get $vPrev) (local.get $v1)))
        (local.set $v1 (i32x4.add (local.get $v1) (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $x)))))
        (local.set $v2 (i32x4.add (local.get $v2)
          (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $x)) (v128.const i16x8 16 15 14 13 12 11 10 9))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $x)) (v128.const i16x8 8 7 6 5 4 3 2 1)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br_if $step (i32.lt_u (local.get $p) (local.get $end))))
      (local.set $s1 (i64.rem_u (i64.add (local.get $s1) (call $lanes (local.get $v1))) (i64.const 65521)))
      (local.set $s2 (i64.rem_u
        (i64.add (local.get $s2) (i64.add (i64.shl (call $lanes (local.get $vPrev)) (i64.const 4)) (call $lanes (local.get $v2))))
        (i64.const 65521)))
      (local.set $n (i32.sub (local.get $n) (local.get $run)))
      (br $runs)))
    ;; The last n < 16 bytes one by one.
    (block $done (loop $byte
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s1 (i64.add (local.get $s1) (i64.load8_u (local.get $p))))
      (local.set $s2 (i64.add (local.get $s2) (local.get $s1)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $byte)))
    (i32.wrap_i64 (i64.or
      (i64.shl (i64.rem_u (local.get $s2) (i64.const 65521)) (i64.const 16))
      (i64.rem_u (local.get $s1) (i64.const 65521)))))
)
