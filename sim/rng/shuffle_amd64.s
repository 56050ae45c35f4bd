//go:build !purego

#include "textflag.h"

// func shuffleRun(s *int32, i int, buf *uint64, k int) int
//
// shuffleBlock's steps for buf[0..k), each swap done as its index is
// drawn: from word u, n = i + 1, the high half's m = hi·n (j = m >> 32,
// swapped with s[i]), then the low half's m = lo·i (swapped with
// s[i−1]); i falls by two. A word where uint32(m) < n for either half
// (Reject might draw again) ends the loop before any of its swaps.
// Registers: SI s, BX i, DI buf, CX k, DX the words done.
TEXT ·shuffleRun(SB), NOSPLIT, $0-40
	MOVQ s+0(FP), SI
	MOVQ i+8(FP), BX
	MOVQ buf+16(FP), DI
	MOVQ k+24(FP), CX
	XORQ DX, DX

loop:
	MOVQ  (DI)(DX*8), R8
	MOVL  R8, R9
	SHRQ  $32, R8
	LEAQ  1(BX), R10
	IMULQ R10, R8
	IMULQ BX, R9
	CMPL  R8, R10
	JCS   done
	CMPL  R9, BX
	JCS   done
	SHRQ  $32, R8
	SHRQ  $32, R9
	MOVL  (SI)(BX*4), AX
	MOVL  (SI)(R8*4), R11
	MOVL  R11, (SI)(BX*4)
	MOVL  AX, (SI)(R8*4)
	DECQ  BX
	MOVL  (SI)(BX*4), AX
	MOVL  (SI)(R9*4), R11
	MOVL  R11, (SI)(BX*4)
	MOVL  AX, (SI)(R9*4)
	DECQ  BX
	INCQ  DX
	CMPQ  DX, CX
	JB    loop

done:
	MOVQ DX, ret+32(FP)
	RET
