//go:build !purego

#include "textflag.h"

// WORD_PRODUCTS forms word wi's two multiply-shift products at i = ii:
// R8 = hi·(i+1) and R9 = lo·i, whose high halves are the two indices
// and whose low halves tell a possible redraw; R10 = i + 1.
#define WORD_PRODUCTS(wi, ii) \
	MOVQ  (DI)(wi*8), R8 \
	MOVL  R8, R9 \
	SHRQ  $32, R8 \
	LEAQ  1(ii), R10 \
	IMULQ R10, R8 \
	IMULQ ii, R9

// SHUFFLE_WORD is word DX's two Fisher–Yates steps at i = BX: s[i]
// swapped with s[hi·(i+1) >> 32], then s[i−1] with s[lo·i >> 32]. It
// leaves for done, before either swap, when either half may need a
// redraw.
#define SHUFFLE_WORD(done) \
	WORD_PRODUCTS(DX, BX) \
	CMPL  R8, R10 \
	JCS   done \
	CMPL  R9, BX \
	JCS   done \
	SHRQ  $32, R8 \
	SHRQ  $32, R9 \
	MOVL  (SI)(BX*4), AX \
	MOVL  (SI)(R8*4), R11 \
	MOVL  R11, (SI)(BX*4) \
	MOVL  AX, (SI)(R8*4) \
	DECQ  BX \
	MOVL  (SI)(BX*4), AX \
	MOVL  (SI)(R9*4), R11 \
	MOVL  R11, (SI)(BX*4) \
	MOVL  AX, (SI)(R9*4) \
	DECQ  BX

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
	SHUFFLE_WORD(done)
	INCQ  DX
	CMPQ  DX, CX
	JB    loop

done:
	MOVQ DX, ret+32(FP)
	RET

// func shuffleRunPF(s *int32, i int, buf *uint64, k int) int
//
// shuffleRun, with the swaps' far elements fetched ahead: before word w
// it computes, from word w + PF_AHEAD (when the block has it), the two
// indices that word will draw if no word before it ends the loop, and
// prefetches them; a first pass does so for the block's first PF_AHEAD
// words. The swaps, and so the permutation, are shuffleRun's (a prefetch
// only moves memory into the cache, and never faults). On a slice past
// the cache, each swap's random element is a miss that the plain loop
// waits for, one at a time. Registers as shuffleRun's, and R12 the i of
// word w + PF_AHEAD, R13 that word's index.
#define PF_AHEAD 16

#define PF_WORD(wi, ii) \
	WORD_PRODUCTS(wi, ii) \
	SHRQ       $32, R8 \
	SHRQ       $32, R9 \
	PREFETCHT0 (SI)(R8*4) \
	PREFETCHT0 (SI)(R9*4)

TEXT ·shuffleRunPF(SB), NOSPLIT, $0-40
	MOVQ s+0(FP), SI
	MOVQ i+8(FP), BX
	MOVQ buf+16(FP), DI
	MOVQ k+24(FP), CX
	XORQ R13, R13
	MOVQ BX, R12

pfirst:
	CMPQ   R13, CX
	JAE    pstart
	CMPQ   R13, $PF_AHEAD
	JAE    pstart
	PF_WORD(R13, R12)
	SUBQ   $2, R12
	INCQ   R13
	JMP    pfirst

pstart:
	XORQ DX, DX
	LEAQ -2*PF_AHEAD(BX), R12

ploop:
	LEAQ PF_AHEAD(DX), R13
	CMPQ R13, CX
	JAE  pswap
	PF_WORD(R13, R12)

pswap:
	SUBQ  $2, R12
	SHUFFLE_WORD(pdone)
	INCQ  DX
	CMPQ  DX, CX
	JB    ploop

pdone:
	MOVQ DX, ret+32(FP)
	RET
