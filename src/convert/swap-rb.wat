;; swap(src, dst, n, bpp): copy the n bytes at src (whole pixels of bpp bytes, 3 or 4) to dst,
;; swapping bytes 0 and 2 of each pixel (RGB ↔ BGR, RGBA ↔ BGRA). Compiled to swap-rb.wasm by
;; scripts/build-wasm.mjs; used through swap-rb.ts, which copies rows in and out of the memory.
;;
;; Each step loads 16 bytes and stores them shuffled by i8x16.swizzle, then moves on by 15 (bpp 3:
;; five pixels; the 16th byte is stored unshuffled and overwritten by the next step) or 16 bytes;
;; the last pixels go one by one, writing 4 bytes each (one past the end for bpp 3). Out of place
;; on purpose: in place, each 16-byte load would overlap the store just before it, and the
;; processor's store-to-load forwarding stall made the loop ten times slower (65 ms against 6 ms
;; per 192 MB).
(module
  (memory (export "memory") 2)

  ;; The shuffle for bpp 3 at address 0 and for bpp 4 at 16: out[i] = in[mask[i]].
  (data (i32.const 0)
    "\02\01\00\05\04\03\08\07\06\0b\0a\09\0e\0d\0c\0f"
    "\02\01\00\03\06\05\04\07\0a\09\08\0b\0e\0d\0c\0f")

  (func (export "swap") (param $src i32) (param $dst i32) (param $n i32) (param $bpp i32)
    (local $mask v128) (local $step i32) (local $end i32)
    (local.set $mask (v128.load (i32.shl (i32.sub (local.get $bpp) (i32.const 3)) (i32.const 4))))
    (local.set $step (i32.add (local.get $bpp) (i32.const 12)))
    (local.set $end (i32.add (local.get $src) (local.get $n)))
    (block $done (loop $next
      (br_if $done (i32.lt_u (i32.sub (local.get $end) (local.get $src)) (i32.const 16)))
      (v128.store (local.get $dst) (i8x16.swizzle (v128.load (local.get $src)) (local.get $mask)))
      (local.set $src (i32.add (local.get $src) (local.get $step)))
      (local.set $dst (i32.add (local.get $dst) (local.get $step)))
      (br $next)))
    (block $done (loop $next
      (br_if $done (i32.lt_u (i32.sub (local.get $end) (local.get $src)) (local.get $bpp)))
      (i32.store8 offset=0 (local.get $dst) (i32.load8_u offset=2 (local.get $src)))
      (i32.store8 offset=1 (local.get $dst) (i32.load8_u offset=1 (local.get $src)))
      (i32.store8 offset=2 (local.get $dst) (i32.load8_u offset=0 (local.get $src)))
      (i32.store8 offset=3 (local.get $dst) (i32.load8_u offset=3 (local.get $src)))
      (local.set $src (i32.add (local.get $src) (local.get $bpp)))
      (local.set $dst (i32.add (local.get $dst) (local.get $bpp)))
      (br $next))))
)
