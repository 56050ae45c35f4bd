//go:build !purego

#include "textflag.h"

// The uint16-counter interior loops of play, written out so that every
// value stays in a register: the compiler's version of the same loop
// spills a third of its values to the stack. Each is a literal
// transcription of its Go twin in kernel.go (playInterior and
// playStrideRun), which TestKernelsMatchGo holds them to, bit for bit.
//
// Registers: BX the next initiator, R11 the batch's end, R12 the next
// pair of words, R13 phen, R14 cnt, R15 the kernel16 table (off at 0,
// inc at 32, thrT at 40, stride at 56), R10 nbr.

// PLAY is one initiator's game and conversions, with i in AX, partner j
// in CX and donor d in DX; it clobbers SI, DI, R8, R9 and CX.
#define PLAY \
	MOVBLZX (R13)(AX*1), SI \
	ANDL    $1, SI \
	MOVBLZX (R13)(CX*1), DI \
	ANDL    $1, DI \
	LEAL    (DI)(SI*2), R8 \
	LEAL    (SI)(DI*2), R9 \
	MOVWLZX 32(R15)(R8*2), R8 \
	MOVWLZX 32(R15)(R9*2), R9 \
	ADDW    R8, (R14)(AX*2) \
	ADDW    R9, (R14)(CX*2) \
	MOVBLZX (R13)(DX*1), R8 \
	ANDL    $1, R8 \
	MOVQ    8(R12), R9 \
	MOVL    SI, DI \
	XORL    R8, DI \
	MOVQ    R9, CX \
	SHRQ    $32, CX \
	SUBQ    40(R15)(R8*8), CX \
	SHRQ    $63, CX \
	ANDL    DI, CX \
	XORL    SI, CX \
	MOVB    CX, (R13)(AX*1) \
	MOVL    R9, R9 \
	SUBQ    40(R15)(SI*8), R9 \
	SHRQ    $63, R9 \
	ANDL    DI, R9 \
	XORL    R8, R9 \
	MOVB    R9, (R13)(DX*1)

// func interiorRun16(phen *uint8, cnt *uint16, batch *int32, n int, words *uint64, k *kernel16) int
TEXT ·interiorRun16(SB), NOSPLIT, $0-56
	MOVQ phen+0(FP), R13
	MOVQ cnt+8(FP), R14
	MOVQ batch+16(FP), BX
	MOVQ n+24(FP), R11
	MOVQ words+32(FP), R12
	MOVQ k+40(FP), R15
	LEAQ (BX)(R11*4), R11
	CMPQ BX, R11
	JAE  idone

iloop:
	MOVLQSX (BX), AX
	MOVWLZX (R14)(AX*2), CX
	TESTL   $0x8000, CX
	JNE     idone
	MOVQ    (R12), CX
	MOVL    CX, DX
	SHRQ    $61, CX
	SHRL    $29, DX
	MOVLQSX (R15)(CX*4), CX
	MOVLQSX (R15)(DX*4), DX
	ADDQ    AX, CX
	ADDQ    AX, DX
	PLAY
	ADDQ    $4, BX
	ADDQ    $16, R12
	CMPQ    BX, R11
	JB      iloop

idone:
	SUBQ batch+16(FP), BX
	SHRQ $2, BX
	MOVQ BX, ret+48(FP)
	RET

// func strideRun16(phen *uint8, cnt *uint16, nbr *int32, batch *int32, n int, words *uint64, k *kernel16)
TEXT ·strideRun16(SB), NOSPLIT, $0-56
	MOVQ phen+0(FP), R13
	MOVQ cnt+8(FP), R14
	MOVQ nbr+16(FP), R10
	MOVQ batch+24(FP), BX
	MOVQ n+32(FP), R11
	MOVQ words+40(FP), R12
	MOVQ k+48(FP), R15
	LEAQ (BX)(R11*4), R11
	CMPQ BX, R11
	JAE  sdone

sloop:
	MOVLQSX (BX), AX
	MOVQ    56(R15), SI
	MOVQ    (R12), CX
	MOVL    CX, DX
	SHRQ    $32, CX
	IMULQ   SI, CX
	SHRQ    $32, CX
	IMULQ   SI, DX
	SHRQ    $32, DX
	IMULQ   AX, SI
	ADDQ    SI, CX
	ADDQ    SI, DX
	MOVLQSX (R10)(CX*4), CX
	MOVLQSX (R10)(DX*4), DX
	PLAY
	ADDQ    $4, BX
	ADDQ    $16, R12
	CMPQ    BX, R11
	JB      sloop

sdone:
	RET
