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
// inc at 32, thrT at 40, stride at 56, start at 72, nbr at 80, rej at
// 88), R10 nbr (or start).

// GAME is one initiator's game, with i in AX, partner j in CX and donor
// d in DX: it pays i and j, and leaves i's phenotype a in SI and the
// donor's in R8; it clobbers DI and R9. A lattice's phenotypes are 0 or 1
// (Lattice.phen), so they index the tables as loaded, where the Go twins
// mask them with &1 for the compiler's bounds proofs.
#define GAME \
	MOVBLZX (R13)(AX*1), SI \
	MOVBLZX (R13)(CX*1), DI \
	LEAL    (DI)(SI*2), R8 \
	LEAL    (SI)(DI*2), R9 \
	MOVWLZX 32(R15)(R8*2), R8 \
	MOVWLZX 32(R15)(R9*2), R9 \
	ADDW    R8, (R14)(AX*2) \
	ADDW    R9, (R14)(CX*2) \
	MOVBLZX (R13)(DX*1), R8

// PLAY is one initiator's game and conversions, with i in AX, partner j
// in CX and donor d in DX, its conversion word at 8(R12); it clobbers SI,
// DI, R8, R9 and CX.
#define PLAY \
	GAME \
	MOVL    SI, DI \
	XORL    R8, DI \
	MOVL    12(R12), CX \
	SUBQ    40(R15)(R8*8), CX \
	SHRQ    $63, CX \
	ANDL    DI, CX \
	XORL    SI, CX \
	MOVB    CX, (R13)(AX*1) \
	MOVL    8(R12), R9 \
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
	TESTW   $0x8000, (R14)(AX*2)
	JNE     iedge
	MOVQ    (R12), CX
	MOVL    CX, DX
	SHRQ    $61, CX
	SHRL    $29, DX
	MOVLQSX (R15)(CX*4), CX
	MOVLQSX (R15)(DX*4), DX
	ADDQ    AX, CX
	ADDQ    AX, DX

iplay:
	PLAY
	ADDQ    $4, BX
	ADDQ    $16, R12
	CMPQ    BX, R11
	JB      iloop
	JMP     idone

// An edge site (edgeDraws): its list nbr[s0:s1], of deg = s1 − s0 ≤ 8
// sites, gives j and d by multiply-shift of the word's halves; a low
// word below rej[deg] (Bounded would draw again) ends the run here.
iedge:
	MOVQ    72(R15), R10
	MOVLQSX (R10)(AX*4), SI
	MOVLQSX 4(R10)(AX*4), DI
	SUBQ    SI, DI
	CMPQ    DI, $8
	JHI     idone
	MOVL    88(R15)(DI*4), R8
	MOVQ    (R12), CX
	MOVL    CX, DX
	SHRQ    $32, CX
	IMULQ   DI, CX
	IMULQ   DI, DX
	CMPL    CX, R8
	JCS     idone
	CMPL    DX, R8
	JCS     idone
	SHRQ    $32, CX
	SHRQ    $32, DX
	ADDQ    SI, CX
	ADDQ    SI, DX
	MOVQ    80(R15), R10
	MOVLQSX (R10)(CX*4), CX
	MOVLQSX (R10)(DX*4), DX
	JMP     iplay

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
	// Prefetch the neighbour list of the initiator eight ahead (when the
	// batch has it): on a graph past the L1 cache, the list is a miss
	// that the partner's and donor's loads wait for. The two-pass loops
	// of large graphs (drawStride) touch their lists without this.
	LEAQ       32(BX), AX
	CMPQ       AX, R11
	JAE        snopf
	MOVLQSX    32(BX), AX
	IMULQ      56(R15), AX
	PREFETCHT0 (R10)(AX*4)

snopf:
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

// IDX loads the counter at byte offset co (without its edge bit) into
// r, leaving for fbad if it lies past the table (R14 entries).
#define IDX(co, r) IDXTO(co, r, fbad)

// IDXTO is IDX leaving for bad.
#define IDXTO(co, r, bad) \
	MOVWLZX co(SI)(BX*2), r \
	ANDL    $0x7fff, r \
	CMPQ    r, R14 \
	JAE     bad

// func fitnessRun16SSE2(cnt *uint16, phen *uint8, n int, tab *float64, tabLen int, w, fa *float64, lanes *[8]float64) (nA int)
//
// fitness's table loop, four sites a step in two packed pairs: f =
// tab[counter] for sites s..s+3 into X8 (s, s+1) and X9 (s+2, s+3),
// stored to w; W's lanes (X0: 0, 1; X1: 2, 3) add f, A's (X2, X3) add f
// masked to +0 at B sites (also stored to fa, unless fa is nil), each
// lane the scalar sum of its sites in order. The step's phenotypes, four
// bytes masked to 0 or 1, add to nA, and widen to a byte pattern
// p·0x01…01 per lane, which PCMPEQB against zero (X14) turns into B's
// mask for ANDNPD. Registers: SI cnt, DI phen, CX n, R8 tab, R10 w, R15
// fa, R14 tabLen, BX the step's first site, R11 nA; AX, DX, R9, R12 the
// counters, R13 the phenotypes.
TEXT ·fitnessRun16SSE2(SB), NOSPLIT, $0-72
	MOVQ   cnt+0(FP), SI
	MOVQ   phen+8(FP), DI
	MOVQ   n+16(FP), CX
	MOVQ   tab+24(FP), R8
	MOVQ   tabLen+32(FP), R14
	MOVQ   w+40(FP), R10
	MOVQ   fa+48(FP), R15
	MOVQ   lanes+56(FP), AX
	MOVUPD 0(AX), X0
	MOVUPD 16(AX), X1
	MOVUPD 32(AX), X2
	MOVUPD 48(AX), X3
	PXOR   X14, X14
	XORQ   BX, BX
	XORQ   R11, R11
	CMPQ   BX, CX
	JAE    fdone

floop:
	IDX(0, AX)
	IDX(2, DX)
	IDX(4, R9)
	IDX(6, R12)
	MOVSD     (R8)(AX*8), X8
	MOVHPD    (R8)(DX*8), X8
	MOVSD     (R8)(R9*8), X9
	MOVHPD    (R8)(R12*8), X9
	MOVUPD    X8, (R10)(BX*8)
	MOVUPD    X9, 16(R10)(BX*8)
	ADDPD     X8, X0
	ADDPD     X9, X1
	MOVL      (DI)(BX*1), R13
	ANDL      $0x01010101, R13
	IMUL3L    $0x01010101, R13, AX
	SHRL      $24, AX
	ADDQ      AX, R11
	MOVL      R13, X10
	PUNPCKLBW X10, X10
	PUNPCKLWL X10, X10
	PSHUFD    $0x50, X10, X11
	PSHUFD    $0xfa, X10, X12
	PCMPEQB   X14, X11
	PCMPEQB   X14, X12
	ANDNPD    X8, X11
	ANDNPD    X9, X12
	ADDPD     X11, X2
	ADDPD     X12, X3
	TESTQ     R15, R15
	JEQ       fnext
	MOVUPD    X11, (R15)(BX*8)
	MOVUPD    X12, 16(R15)(BX*8)

fnext:
	ADDQ $4, BX
	CMPQ BX, CX
	JB   floop

fdone:
	MOVQ   lanes+56(FP), AX
	MOVUPD X0, 0(AX)
	MOVUPD X1, 16(AX)
	MOVUPD X2, 32(AX)
	MOVUPD X3, 48(AX)
	MOVQ   R11, nA+64(FP)
	RET

fbad:
	MOVQ $-1, nA+64(FP)
	RET

// func rowsPairsRunSSE2(w, fa *float64, L, n int, tW, tA *float64)
//
// rowsMoore1's row pass over n sites, rows of L ≥ 2, from w and fa (w
// masked to +0 at B sites: fitnessRun16's, equal to w·unit[A] for w ≥ 0)
// two sites at a time: tW[x] = (w[x] + w[x+1]) + w[x−1] inside a row
// (each lane as the scalar sum), w[0] + w[1] at its start and w[L−1] +
// w[L−2] at its end; tA the same of fa. Registers: SI w, DI fa, R9 tW,
// R10 tA, CX L, R11 n, BX the row's first site, DX the site, R12 the
// row's last.
TEXT ·rowsPairsRunSSE2(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), SI
	MOVQ fa+8(FP), DI
	MOVQ L+16(FP), CX
	MOVQ n+24(FP), R11
	MOVQ tW+32(FP), R9
	MOVQ tA+40(FP), R10
	XORQ BX, BX

prow:
	CMPQ  BX, R11
	JAE   pdone
	MOVSD (SI)(BX*8), X0
	ADDSD 8(SI)(BX*8), X0
	MOVSD X0, (R9)(BX*8)
	MOVSD (DI)(BX*8), X1
	ADDSD 8(DI)(BX*8), X1
	MOVSD X1, (R10)(BX*8)
	LEAQ  1(BX), DX
	LEAQ  -1(BX)(CX*1), R12

ppair:
	LEAQ   1(DX), AX
	CMPQ   AX, R12
	JAE    psingle
	MOVUPD (SI)(DX*8), X0
	MOVUPD 8(SI)(DX*8), X1
	ADDPD  X1, X0
	MOVUPD -8(SI)(DX*8), X1
	ADDPD  X1, X0
	MOVUPD X0, (R9)(DX*8)
	MOVUPD (DI)(DX*8), X2
	MOVUPD 8(DI)(DX*8), X3
	ADDPD  X3, X2
	MOVUPD -8(DI)(DX*8), X3
	ADDPD  X3, X2
	MOVUPD X2, (R10)(DX*8)
	ADDQ   $2, DX
	JMP    ppair

psingle:
	CMPQ  DX, R12
	JAE   pend
	MOVSD (SI)(DX*8), X0
	ADDSD 8(SI)(DX*8), X0
	ADDSD -8(SI)(DX*8), X0
	MOVSD X0, (R9)(DX*8)
	MOVSD (DI)(DX*8), X2
	ADDSD 8(DI)(DX*8), X2
	ADDSD -8(DI)(DX*8), X2
	MOVSD X2, (R10)(DX*8)
	INCQ  DX

pend:
	MOVSD (SI)(DX*8), X0
	ADDSD -8(SI)(DX*8), X0
	MOVSD X0, (R9)(DX*8)
	MOVSD (DI)(DX*8), X2
	ADDSD -8(DI)(DX*8), X2
	MOVSD X2, (R10)(DX*8)
	ADDQ  CX, BX
	JMP   prow

pdone:
	RET

// func rowsRun(w *float64, phen *uint8, unit *[2]float64, L, n int, tW, tA *float64)
//
// rowsMoore1's row pass over n sites, rows of L ≥ 2: tW[x] = (w[x] +
// w[x+1]) + w[x−1] with the missing terms dropped at a row's ends, and
// tA the same of w·unit[A]. Registers: SI w, DI phen, R8 unit, R9 tW,
// R10 tA, CX L, R11 n, BX the row's first site, DX the site, R12 the
// row's last; X0/X1 the previous site's w and w·A, X2/X3 this one's,
// X4/X5 the next one's.
TEXT ·rowsRun(SB), NOSPLIT, $0-56
	MOVQ w+0(FP), SI
	MOVQ phen+8(FP), DI
	MOVQ unit+16(FP), R8
	MOVQ L+24(FP), CX
	MOVQ n+32(FP), R11
	MOVQ tW+40(FP), R9
	MOVQ tA+48(FP), R10
	XORQ BX, BX

rowloop:
	CMPQ    BX, R11
	JAE     rdone
	MOVBLZX (DI)(BX*1), AX
	ANDL    $1, AX
	MOVSD   (SI)(BX*8), X0
	MOVAPS  X0, X1
	MULSD   (R8)(AX*8), X1
	MOVBLZX 1(DI)(BX*1), AX
	ANDL    $1, AX
	MOVSD   8(SI)(BX*8), X2
	MOVAPS  X2, X3
	MULSD   (R8)(AX*8), X3
	MOVAPS  X0, X6
	ADDSD   X2, X6
	MOVSD   X6, (R9)(BX*8)
	MOVAPS  X1, X7
	ADDSD   X3, X7
	MOVSD   X7, (R10)(BX*8)
	LEAQ    1(BX), DX
	LEAQ    -1(BX)(CX*1), R12

inner:
	CMPQ    DX, R12
	JAE     rowend
	MOVBLZX 1(DI)(DX*1), AX
	ANDL    $1, AX
	MOVSD   8(SI)(DX*8), X4
	MOVAPS  X4, X5
	MULSD   (R8)(AX*8), X5
	MOVAPS  X2, X6
	ADDSD   X4, X6
	ADDSD   X0, X6
	MOVSD   X6, (R9)(DX*8)
	MOVAPS  X3, X7
	ADDSD   X5, X7
	ADDSD   X1, X7
	MOVSD   X7, (R10)(DX*8)
	MOVAPS  X2, X0
	MOVAPS  X3, X1
	MOVAPS  X4, X2
	MOVAPS  X5, X3
	INCQ    DX
	JMP     inner

rowend:
	MOVAPS X2, X6
	ADDSD  X0, X6
	MOVSD  X6, (R9)(DX*8)
	MOVAPS X3, X7
	ADDSD  X1, X7
	MOVSD  X7, (R10)(DX*8)
	ADDQ   CX, BX
	JMP    rowloop

rdone:
	RET

// SEL is one site of selectRun's pair: the block sums at word offset wo
// (W_A into X0, W into X1, each (centre + above) + below), then the
// offspring from the 32-bit number in AX as ratioBelow draws it, into
// the byte at oo of out, and added to the count. slow and done are the
// expansion's labels. Registers: SI up, DI mid, R8 down, R9 upA, R10
// midA, R11 downA, R13 out, BX the pair's first site, R14 the count;
// X10 2³², X11 ½, X12 2⁻¹⁰, X13 the mask of all but the sign. (The
// XORPS cuts CVTSQ2SD's dependence on X2's old upper half, which would
// chain every site to the one before.)
#define SEL(wo, oo, slow, done) \
	MOVSD     wo(R10)(BX*8), X0 \
	ADDSD     wo(R9)(BX*8), X0 \
	ADDSD     wo(R11)(BX*8), X0 \
	MOVSD     wo(DI)(BX*8), X1 \
	ADDSD     wo(SI)(BX*8), X1 \
	ADDSD     wo(R8)(BX*8), X1 \
	XORPS     X2, X2 \
	CVTSQ2SD  AX, X2 \
	ADDSD     X11, X2 \
	MULSD     X1, X2 \
	MOVAPS    X0, X3 \
	MULSD     X10, X3 \
	SUBSD     X2, X3 \
	MOVAPS    X3, X4 \
	ANDPD     X13, X4 \
	MOVAPS    X1, X5 \
	MULSD     X12, X5 \
	MOVQ      X4, DX \
	MOVQ      X5, R15 \
	CMPQ      DX, R15 \
	JLS       slow \
	MOVQ      X3, DX \
	NOTQ      DX \
	SHRQ      $63, DX \
	JMP       done \
slow: \
	DIVSD     X1, X0 \
	MULSD     X10, X0 \
	ADDSD     X11, X0 \
	CVTTSD2SQ X0, DX \
	SUBQ      DX, AX \
	SHRQ      $63, AX \
	MOVQ      AX, DX \
done: \
	MOVB      DX, oo(R13)(BX*1) \
	ADDQ      DX, R14

// func selectRunSSE2(up, mid, down, upA, midA, downA *float64, words *uint64, out *uint8, n int) int
//
// selectMoore1's loop over n sites (n even), a word a pair, the even
// site on its low half; it returns the A offspring.
TEXT ·selectRunSSE2(SB), NOSPLIT, $0-80
	MOVQ up+0(FP), SI
	MOVQ mid+8(FP), DI
	MOVQ down+16(FP), R8
	MOVQ upA+24(FP), R9
	MOVQ midA+32(FP), R10
	MOVQ downA+40(FP), R11
	MOVQ words+48(FP), R12
	MOVQ out+56(FP), R13
	MOVQ n+64(FP), CX
	// The constants in both lanes (SEL reads the low one): X10 2³², X11
	// ½, X12 2⁻¹⁰, X13 the mask of all but the sign, X14 2³¹ + ½, X15
	// 2³¹ in each 32-bit lane.
	MOVQ $0x41F0000000000000, AX
	MOVQ AX, X10
	PUNPCKLQDQ X10, X10
	MOVQ $0x3FE0000000000000, AX
	MOVQ AX, X11
	PUNPCKLQDQ X11, X11
	MOVQ $0x3F50000000000000, AX
	MOVQ AX, X12
	PUNPCKLQDQ X12, X12
	MOVQ $0x7FFFFFFFFFFFFFFF, AX
	MOVQ AX, X13
	PUNPCKLQDQ X13, X13
	MOVQ $0x41E0000000100000, AX
	MOVQ AX, X14
	PUNPCKLQDQ X14, X14
	MOVQ $0x8000000080000000, AX
	MOVQ AX, X15
	XORQ BX, BX
	XORQ R14, R14
	CMPQ BX, CX
	JAE  seldone

selloop:
	// Both sites of the pair at once, lane by lane the operations of
	// SEL: the sums, D = 2³²·W_A − (u + ½)·W (u + ½ formed exactly, as
	// (u − 2³¹) + (2³¹ + ½)), and |D| ≤ W·2⁻¹⁰ for either site sends the
	// pair to SEL's scalar path, whose division settles it.
	MOVUPD (R10)(BX*8), X0
	MOVUPD (R9)(BX*8), X6
	ADDPD  X6, X0
	MOVUPD (R11)(BX*8), X6
	ADDPD  X6, X0
	MOVUPD (DI)(BX*8), X1
	MOVUPD (SI)(BX*8), X6
	ADDPD  X6, X1
	MOVUPD (R8)(BX*8), X6
	ADDPD  X6, X1
	MOVQ   (R12), X2
	PXOR   X15, X2
	CVTPL2PD X2, X2
	ADDPD  X14, X2
	MULPD  X1, X2
	MOVAPD X0, X3
	MULPD  X10, X3
	SUBPD  X2, X3
	MOVAPD X3, X4
	ANDPD  X13, X4
	MOVAPD X1, X5
	MULPD  X12, X5
	CMPPD  X5, X4, $2
	MOVMSKPD X4, AX
	TESTL  AX, AX
	JNZ    selscalar
	MOVMSKPD X3, DX
	XORL   $3, DX
	MOVL   DX, AX
	ANDL   $1, AX
	MOVB   AX, 0(R13)(BX*1)
	ADDQ   AX, R14
	SHRL   $1, DX
	MOVB   DX, 1(R13)(BX*1)
	ADDQ   DX, R14
	JMP    selnext

selscalar:
	MOVL (R12), AX
	SEL(0, 0, slow0, done0)
	MOVL 4(R12), AX
	SEL(8, 1, slow1, done1)

selnext:
	ADDQ $8, R12
	ADDQ $2, BX
	CMPQ BX, CX
	JB   selloop

seldone:
	MOVQ R14, ret+72(FP)
	RET

// INNER leaves for bdone unless the site in x lies in [lo, lo + span)
// (kernel16 at 64 and 68) and its mark (in R10's bitmap) is clear; it
// clobbers SI.
#define INNER(x) \
	MOVL x, SI \
	SUBL 64(R15), SI \
	CMPL SI, 68(R15) \
	JAE  bdone \
	MOVQ x, SI \
	SHRQ $6, SI \
	MOVQ (R10)(SI*8), SI \
	BTQ  x, SI \
	JCS  bdone

// func bandRun16(phen *uint8, cnt *uint16, list *bandEntry, n int, marks *uint64, k *kernel16) int
//
// playList's loop for uint16 counters, while list's initiators are inner
// and unmarked: it returns how many it played. Entries are 16 bytes:
// initiator i, partner j, donor d and place, each in its field's low 31
// bits, the conversion coins in the top bits (gathered into R12, bit k
// from field k); meet is its Go twin. Registers as in PLAY's loops; GAME
// leaves the initiator's phenotype a in SI and the donor's f in R8.
TEXT ·bandRun16(SB), NOSPLIT, $0-56
	MOVQ phen+0(FP), R13
	MOVQ cnt+8(FP), R14
	MOVQ list+16(FP), BX
	MOVQ n+24(FP), R11
	MOVQ marks+32(FP), R10
	MOVQ k+40(FP), R15
	SHLQ $4, R11
	ADDQ BX, R11
	CMPQ BX, R11
	JAE  bdone

bloop:
	MOVL    0(BX), AX
	MOVL    4(BX), CX
	MOVL    8(BX), DX
	MOVL    AX, R12
	SHRL    $31, R12
	MOVL    CX, SI
	SHRL    $31, SI
	LEAL    (R12)(SI*2), R12
	MOVL    DX, SI
	SHRL    $31, SI
	LEAL    (R12)(SI*4), R12
	MOVL    12(BX), SI
	SHRL    $31, SI
	LEAL    (R12)(SI*8), R12
	ANDL    $0x7fffffff, AX
	ANDL    $0x7fffffff, CX
	ANDL    $0x7fffffff, DX
	INNER(AX)
	INNER(CX)
	INNER(DX)
	GAME
	MOVL    SI, DI
	XORL    R8, DI
	MOVL    R8, CX
	MOVL    R12, R9
	SHRL    CX, R9
	ANDL    DI, R9
	ANDL    $1, R9
	XORL    SI, R9
	MOVB    R9, (R13)(AX*1)
	LEAL    2(SI), CX
	MOVL    R12, R9
	SHRL    CX, R9
	ANDL    DI, R9
	ANDL    $1, R9
	XORL    R8, R9
	MOVB    R9, (R13)(DX*1)
	ADDQ    $16, BX
	CMPQ    BX, R11
	JB      bloop

bdone:
	SUBQ list+16(FP), BX
	SHRQ $4, BX
	MOVQ BX, ret+48(FP)
	RET

// func pairsRun(pj *uint8, words *uint64, n int, k *pairKernel, out *uint8) (nPack, aPack uint64)
//
// playPairs's loop over n ≥ 1 pairs; out may be nil. Registers: SI the
// next pair, R11 the end, DI its words, R15 the pairKernel (randA at 0,
// alpha at 8, thrT at 16, unit at 32), R14 out (0 if nil), R12 nPack,
// R13 aPack; AX and BX the pair's phenotypes a and b, DX and R8 their
// adult phenotypes.
TEXT ·pairsRun(SB), NOSPLIT, $0-56
	MOVQ pj+0(FP), SI
	MOVQ words+8(FP), DI
	MOVQ n+16(FP), R11
	MOVQ k+24(FP), R15
	MOVQ out+32(FP), R14
	LEAQ (SI)(R11*2), R11
	XORL R12, R12
	XORL R13, R13

ploop:
	MOVBLZX 0(SI), AX
	ANDL    $1, AX
	MOVBLZX 1(SI), BX
	ANDL    $1, BX
	// The first agent: donor d from its word's halves, then adoption.
	MOVQ    0(DI), CX
	MOVQ    CX, DX
	SHRQ    $32, DX
	SUBQ    0(R15), DX
	SHRQ    $63, DX
	MOVL    CX, CX
	SUBQ    8(R15), CX
	SHRQ    $63, CX
	MOVL    DX, R8
	XORL    BX, R8
	ANDL    CX, R8
	XORL    R8, DX
	MOVQ    16(DI), CX
	SHRQ    $32, CX
	SUBQ    16(R15)(DX*8), CX
	SHRQ    $63, CX
	XORL    AX, DX
	ANDL    CX, DX
	XORL    AX, DX
	// The second agent, its partner being the first.
	MOVQ    8(DI), CX
	MOVQ    CX, R8
	SHRQ    $32, R8
	SUBQ    0(R15), R8
	SHRQ    $63, R8
	MOVL    CX, CX
	SUBQ    8(R15), CX
	SHRQ    $63, CX
	MOVL    R8, R9
	XORL    AX, R9
	ANDL    CX, R9
	XORL    R9, R8
	MOVL    16(DI), CX
	SUBQ    16(R15)(R8*8), CX
	SHRQ    $63, CX
	XORL    BX, R8
	ANDL    CX, R8
	XORL    BX, R8
	// Classes a<<1|b and b<<1|a, and the tallies.
	LEAL    (BX)(AX*2), R9
	LEAL    (AX)(BX*2), R10
	TESTQ   R14, R14
	JZ      pnoout
	LEAL    (DX)(R9*2), CX
	MOVB    CX, 0(R14)
	LEAL    (R8)(R10*2), CX
	MOVB    CX, 1(R14)
	ADDQ    $2, R14

pnoout:
	MOVQ    32(R15)(R9*8), CX
	ADDQ    CX, R12
	NEGQ    DX
	ANDQ    CX, DX
	ADDQ    DX, R13
	MOVQ    32(R15)(R10*8), CX
	ADDQ    CX, R12
	NEGQ    R8
	ANDQ    CX, R8
	ADDQ    R8, R13
	ADDQ    $2, SI
	ADDQ    $24, DI
	CMPQ    SI, R11
	JB      ploop

	MOVQ R12, nPack+40(FP)
	MOVQ R13, aPack+48(FP)
	RET

// func bernoulliRunSSE2(words *uint64, n int, thr uint64, out *uint8) int
//
// initBernoulli's loop over n words (a multiple of 8), thr < 2^32: site
// 2k is A when word k's high half falls below thr, site 2k+1 when its low
// half does; it writes 2n bytes of 0/1 and returns how many are 1. Sixteen
// sites at a time, in SSE2: the halves swapped into site order, biased by
// 2^31 so that a signed compare orders them as unsigned, packed to bytes
// and counted by PSADBW.
TEXT ·bernoulliRunSSE2(SB), NOSPLIT, $0-40
	MOVQ  words+0(FP), SI
	MOVQ  n+8(FP), CX
	MOVQ  thr+16(FP), AX
	MOVQ  out+24(FP), DI
	XORL  $0x80000000, AX
	MOVQ  AX, X5
	PSHUFD $0, X5, X5
	MOVL  $0x80000000, AX
	MOVQ  AX, X7
	PSHUFD $0, X7, X7
	MOVQ  $0x0101010101010101, AX
	MOVQ  AX, X6
	PUNPCKLQDQ X6, X6
	PXOR  X4, X4
	PXOR  X8, X8
	LEAQ  (SI)(CX*8), CX
	CMPQ  SI, CX
	JAE   berndone

bernloop:
	MOVOU 0(SI), X0
	MOVOU 16(SI), X1
	MOVOU 32(SI), X2
	MOVOU 48(SI), X3
	PSHUFD $0xb1, X0, X0
	PSHUFD $0xb1, X1, X1
	PSHUFD $0xb1, X2, X2
	PSHUFD $0xb1, X3, X3
	PXOR  X7, X0
	PXOR  X7, X1
	PXOR  X7, X2
	PXOR  X7, X3
	MOVO  X5, X9
	PCMPGTL X0, X9
	MOVO  X5, X10
	PCMPGTL X1, X10
	MOVO  X5, X11
	PCMPGTL X2, X11
	MOVO  X5, X12
	PCMPGTL X3, X12
	PACKSSLW X10, X9
	PACKSSLW X12, X11
	PACKSSWB X11, X9
	PAND  X6, X9
	MOVOU X9, 0(DI)
	PSADBW X4, X9
	PADDQ X9, X8
	ADDQ  $64, SI
	ADDQ  $16, DI
	CMPQ  SI, CX
	JB    bernloop

berndone:
	MOVQ  X8, AX
	PSRLO $8, X8
	MOVQ  X8, BX
	ADDQ  BX, AX
	MOVQ  AX, ret+32(FP)
	RET

// func sumsWRun(pairs *[2]float64, start *int32, blk *int32, groups int, sumW, sumWA *float64)
//
// listSumsW's loop over groups of four sites: each site's (W, W·A) pair
// is one SSE2 register, summed by ADDPD from the pairs (16 bytes a site),
// the four lists in lockstep to the shortest's length and then each
// list's rest alone. Lane by lane these are listSumsW's additions, in its
// order. DI pairs, SI the group's starts, BX blk, R8 sumW, R9
// sumWA, CX the groups left; R10–R13 each list's next index, DX the
// lockstep count, R14 an index, R15 a list's end, X0–X3 the sums.
#define SUMW_STEP(IDX, ACC) \
	MOVLQSX (BX)(IDX*4), R14 \
	SHLQ    $4, R14 \
	MOVUPD  (DI)(R14*1), X4 \
	ADDPD   X4, ACC \
	INCQ    IDX

#define SUMW_TAIL(IDX, END, ACC, LOOP, DONE) \
	MOVLQSX END(SI), R15 \
LOOP: \
	CMPQ IDX, R15 \
	JGE  DONE \
	SUMW_STEP(IDX, ACC) \
	JMP  LOOP \
DONE:

// LOCKSTEP_GROUP starts a group of four sites at SI's starts: R10–R13
// each list's first index, R15 the last list's end, DX the shortest
// list's length (R14 is scratch).
#define LOCKSTEP_GROUP \
	MOVLQSX 0(SI), R10 \
	MOVLQSX 4(SI), R11 \
	MOVLQSX 8(SI), R12 \
	MOVLQSX 12(SI), R13 \
	MOVLQSX 16(SI), R15 \
	MOVQ    R11, DX \
	SUBQ    R10, DX \
	MOVQ    R12, R14 \
	SUBQ    R11, R14 \
	CMPQ    R14, DX \
	CMOVQLT R14, DX \
	MOVQ    R13, R14 \
	SUBQ    R12, R14 \
	CMPQ    R14, DX \
	CMOVQLT R14, DX \
	MOVQ    R15, R14 \
	SUBQ    R13, R14 \
	CMPQ    R14, DX \
	CMOVQLT R14, DX

TEXT ·sumsWRun(SB), NOSPLIT, $0-48
	MOVQ pairs+0(FP), DI
	MOVQ start+8(FP), SI
	MOVQ blk+16(FP), BX
	MOVQ groups+24(FP), CX
	MOVQ sumW+32(FP), R8
	MOVQ sumWA+40(FP), R9
	TESTQ CX, CX
	JEQ  sumwdone

sumwgroup:
	LOCKSTEP_GROUP
	XORPS X0, X0
	XORPS X1, X1
	XORPS X2, X2
	XORPS X3, X3
	TESTQ DX, DX
	JLE  sumwtails

sumwlock:
	SUMW_STEP(R10, X0)
	SUMW_STEP(R11, X1)
	SUMW_STEP(R12, X2)
	SUMW_STEP(R13, X3)
	DECQ DX
	JNZ  sumwlock

sumwtails:
	SUMW_TAIL(R10, 4, X0, sumwt0, sumwd0)
	SUMW_TAIL(R11, 8, X1, sumwt1, sumwd1)
	SUMW_TAIL(R12, 12, X2, sumwt2, sumwd2)
	SUMW_TAIL(R13, 16, X3, sumwt3, sumwd3)
	MOVSD  X0, 0(R8)
	MOVHPD X0, 0(R9)
	MOVSD  X1, 8(R8)
	MOVHPD X1, 8(R9)
	MOVSD  X2, 16(R8)
	MOVHPD X2, 16(R9)
	MOVSD  X3, 24(R8)
	MOVHPD X3, 24(R9)
	ADDQ $16, SI
	ADDQ $32, R8
	ADDQ $32, R9
	DECQ CX
	JNZ  sumwgroup

sumwdone:
	RET

// func sumsRun(trip *[3]float64, start *int32, blk *int32, groups int, sumW, sumWA, sumA *float64)
//
// listSums's loop over groups of four sites: sumsWRun's, with each site's
// sum of A in X5–X8 as well (ADDSD, the triples' third words). AX holds
// sumA − sumW, so that R8 addresses both.
#define SUMS_STEP(IDX, ACC, ACCA) \
	MOVLQSX (BX)(IDX*4), R14 \
	LEAQ    (R14)(R14*2), R14 \
	MOVUPD  (DI)(R14*8), X4 \
	ADDPD   X4, ACC \
	ADDSD   16(DI)(R14*8), ACCA \
	INCQ    IDX

#define SUMS_TAIL(IDX, END, ACC, ACCA, LOOP, DONE) \
	MOVLQSX END(SI), R15 \
LOOP: \
	CMPQ IDX, R15 \
	JGE  DONE \
	SUMS_STEP(IDX, ACC, ACCA) \
	JMP  LOOP \
DONE:

TEXT ·sumsRun(SB), NOSPLIT, $0-56
	MOVQ trip+0(FP), DI
	MOVQ start+8(FP), SI
	MOVQ blk+16(FP), BX
	MOVQ groups+24(FP), CX
	MOVQ sumW+32(FP), R8
	MOVQ sumWA+40(FP), R9
	MOVQ sumA+48(FP), AX
	SUBQ R8, AX
	TESTQ CX, CX
	JEQ  sumsdone

sumsgroup:
	LOCKSTEP_GROUP
	XORPS X0, X0
	XORPS X1, X1
	XORPS X2, X2
	XORPS X3, X3
	XORPS X5, X5
	XORPS X6, X6
	XORPS X7, X7
	XORPS X8, X8
	TESTQ DX, DX
	JLE  sumstails

sumslock:
	SUMS_STEP(R10, X0, X5)
	SUMS_STEP(R11, X1, X6)
	SUMS_STEP(R12, X2, X7)
	SUMS_STEP(R13, X3, X8)
	DECQ DX
	JNZ  sumslock

sumstails:
	SUMS_TAIL(R10, 4, X0, X5, sumst0, sumsd0)
	SUMS_TAIL(R11, 8, X1, X6, sumst1, sumsd1)
	SUMS_TAIL(R12, 12, X2, X7, sumst2, sumsd2)
	SUMS_TAIL(R13, 16, X3, X8, sumst3, sumsd3)
	MOVSD  X0, 0(R8)
	MOVHPD X0, 0(R9)
	MOVSD  X5, 0(R8)(AX*1)
	MOVSD  X1, 8(R8)
	MOVHPD X1, 8(R9)
	MOVSD  X6, 8(R8)(AX*1)
	MOVSD  X2, 16(R8)
	MOVHPD X2, 16(R9)
	MOVSD  X7, 16(R8)(AX*1)
	MOVSD  X3, 24(R8)
	MOVHPD X3, 24(R9)
	MOVSD  X8, 24(R8)(AX*1)
	ADDQ $16, SI
	ADDQ $32, R8
	ADDQ $32, R9
	DECQ CX
	JNZ  sumsgroup

sumsdone:
	RET

// func bitsRun(words *uint64, n int, base int32, sites *int32, m int) int
//
// bitsToSites's loop over the n bytes of the bit string at words: byte x
// at bit offset b writes base + b + byteSites[x][0..8) at sites[m:] (two
// 16-byte stores) and adds byteCounts[x] to m. Registers: SI words, CX
// n, DI sites, BX m, R10 the byte, R8 byteSites, R9 byteCounts; X7 the
// byte's base in four lanes, X8 eight in four lanes.
TEXT ·bitsRun(SB), NOSPLIT, $0-48
	MOVQ   words+0(FP), SI
	MOVQ   n+8(FP), CX
	MOVL   base+16(FP), AX
	MOVQ   sites+24(FP), DI
	MOVQ   m+32(FP), BX
	MOVL   AX, X7
	PSHUFD $0, X7, X7
	MOVL   $8, AX
	MOVL   AX, X8
	PSHUFD $0, X8, X8
	LEAQ   ·byteSites(SB), R8
	LEAQ   ·byteCounts(SB), R9
	XORQ   R10, R10
	CMPQ   R10, CX
	JAE    bdone

bloop:
	MOVBLZX (SI)(R10*1), AX
	MOVQ    AX, DX
	SHLQ    $5, DX
	MOVOU   (R8)(DX*1), X0
	MOVOU   16(R8)(DX*1), X1
	PADDL   X7, X0
	PADDL   X7, X1
	MOVOU   X0, (DI)(BX*4)
	MOVOU   X1, 16(DI)(BX*4)
	MOVBLZX (R9)(AX*1), AX
	ADDQ    AX, BX
	PADDL   X8, X7
	INCQ    R10
	CMPQ    R10, CX
	JB      bloop

bdone:
	MOVQ BX, ret+40(FP)
	RET

// func fitnessRun16AVX2(cnt *uint16, phen *uint8, n int, tab *float64, tabLen int, w, fa *float64, lanes *[8]float64) (nA int)
//
// fitnessRun16 in AVX2, four sites a step in one register: each counter
// (without its edge bit) checked against the table as fitnessRun16SSE2
// checks it (IDXTO), its f = tab[counter] loaded into Y8 (two pairs
// joined), stored to w; W's lanes (Y0) add f, A's (Y2) add f masked to
// +0 at B sites (also stored to fa, unless fa is nil). Lane k holds the
// sites ≡ k mod 4, in order, as fitnessRun16SSE2's four lanes do: the
// same sums, bit for bit. The phenotypes widen to quadwords 0 or 1, which
// add to nA's lanes (Y5) and, negated, are A's mask. Registers: SI cnt,
// DI phen, CX n, R8 tab, R14 tabLen, R10 w, R15 fa, BX the step's first
// site; Y13 1 and Y14 0 in every lane. Every move between general and
// vector registers is VEX-encoded (VMOVQ), as in all the AVX2 kernels:
// legacy SSE after a write of a Y register costs a state transition on
// some processors.
TEXT ·fitnessRun16AVX2(SB), NOSPLIT, $0-72
	MOVQ         cnt+0(FP), SI
	MOVQ         phen+8(FP), DI
	MOVQ         n+16(FP), CX
	MOVQ         tab+24(FP), R8
	MOVQ         tabLen+32(FP), R14
	MOVQ         w+40(FP), R10
	MOVQ         fa+48(FP), R15
	MOVQ         lanes+56(FP), AX
	VMOVUPD      0(AX), Y0
	VMOVUPD      32(AX), Y2
	VPXOR        Y5, Y5, Y5
	VPXOR        Y14, Y14, Y14
	MOVQ         $1, DX
	VMOVQ        DX, X13
	VPBROADCASTQ X13, Y13
	XORQ         BX, BX
	CMPQ         BX, CX
	JAE          vdone

vloop:
	IDXTO(0, AX, vbad)
	IDXTO(2, DX, vbad)
	IDXTO(4, R9, vbad)
	IDXTO(6, R12, vbad)
	VMOVSD      (R8)(AX*8), X8
	VMOVHPD     (R8)(DX*8), X8, X8
	VMOVSD      (R8)(R9*8), X9
	VMOVHPD     (R8)(R12*8), X9, X9
	VINSERTF128 $1, X9, Y8, Y8
	VMOVUPD     Y8, (R10)(BX*8)
	VADDPD      Y8, Y0, Y0
	VPMOVZXBQ   (DI)(BX*1), Y10
	VPAND       Y13, Y10, Y10
	VPADDQ      Y10, Y5, Y5
	VPSUBQ      Y10, Y14, Y11
	VANDPD      Y8, Y11, Y11
	VADDPD      Y11, Y2, Y2
	TESTQ       R15, R15
	JEQ         vnext
	VMOVUPD     Y11, (R15)(BX*8)

vnext:
	ADDQ $4, BX
	CMPQ BX, CX
	JB   vloop

vdone:
	MOVQ         lanes+56(FP), AX
	VMOVUPD      Y0, 0(AX)
	VMOVUPD      Y2, 32(AX)
	VEXTRACTI128 $1, Y5, X6
	VPADDQ       X6, X5, X5
	VPSHUFD      $0x4e, X5, X6
	VPADDQ       X6, X5, X5
	VMOVQ        X5, AX
	MOVQ         AX, nA+64(FP)
	VZEROUPPER
	RET

vbad:
	VZEROUPPER
	MOVQ $-1, nA+64(FP)
	RET

// ROW3 is rowsPairsRunAVX2's step at DX, in a's and b's width (MOV and
// ADD the width's load and add): tW = (w[x] + w[x+1]) + w[x−1] through a,
// tA the same of fa through b.
#define ROW3(MOV, ADD, a, b) \
	MOV (SI)(DX*8), a \
	ADD 8(SI)(DX*8), a, a \
	ADD -8(SI)(DX*8), a, a \
	MOV a, (R9)(DX*8) \
	MOV (DI)(DX*8), b \
	ADD 8(DI)(DX*8), b, b \
	ADD -8(DI)(DX*8), b, b \
	MOV b, (R10)(DX*8)

// func rowsPairsRunAVX2(w, fa *float64, L, n int, tW, tA *float64)
//
// rowsPairsRun in AVX2 (VEX encoding throughout): inside a row, four
// sites a step, each lane the scalar sum (w[x] + w[x+1]) + w[x−1], then
// rowsPairsRun's pairs and single for the rest of the row. Registers as
// rowsPairsRun's.
TEXT ·rowsPairsRunAVX2(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), SI
	MOVQ fa+8(FP), DI
	MOVQ L+16(FP), CX
	MOVQ n+24(FP), R11
	MOVQ tW+32(FP), R9
	MOVQ tA+40(FP), R10
	XORQ BX, BX

qrow:
	CMPQ   BX, R11
	JAE    qdone
	VMOVSD (SI)(BX*8), X0
	VADDSD 8(SI)(BX*8), X0, X0
	VMOVSD X0, (R9)(BX*8)
	VMOVSD (DI)(BX*8), X1
	VADDSD 8(DI)(BX*8), X1, X1
	VMOVSD X1, (R10)(BX*8)
	LEAQ   1(BX), DX
	LEAQ   -1(BX)(CX*1), R12

qquad:
	LEAQ    3(DX), AX
	CMPQ    AX, R12
	JAE     qpair
	ROW3(VMOVUPD, VADDPD, Y0, Y2)
	ADDQ    $4, DX
	JMP     qquad

qpair:
	LEAQ    1(DX), AX
	CMPQ    AX, R12
	JAE     qsingle
	ROW3(VMOVUPD, VADDPD, X0, X2)
	ADDQ    $2, DX

qsingle:
	CMPQ   DX, R12
	JAE    qend
	ROW3(VMOVSD, VADDSD, X0, X2)
	INCQ   DX

qend:
	VMOVSD (SI)(DX*8), X0
	VADDSD -8(SI)(DX*8), X0, X0
	VMOVSD X0, (R9)(DX*8)
	VMOVSD (DI)(DX*8), X2
	VADDSD -8(DI)(DX*8), X2, X2
	VMOVSD X2, (R10)(DX*8)
	ADDQ   CX, BX
	JMP    qrow

qdone:
	VZEROUPPER
	RET

// VSEL is SEL in VEX encoding, for selectRunAVX2 (which keeps the upper
// halves of its constants' registers, so that legacy SSE would pay a
// state transition on some processors).
#define VSEL(wo, oo, slow, done) \
	VMOVSD      wo(R10)(BX*8), X0 \
	VADDSD      wo(R9)(BX*8), X0, X0 \
	VADDSD      wo(R11)(BX*8), X0, X0 \
	VMOVSD      wo(DI)(BX*8), X1 \
	VADDSD      wo(SI)(BX*8), X1, X1 \
	VADDSD      wo(R8)(BX*8), X1, X1 \
	VXORPS      X2, X2, X2 \
	VCVTSI2SDQ  AX, X2, X2 \
	VADDSD      X11, X2, X2 \
	VMULSD      X1, X2, X2 \
	VMULSD      X10, X0, X3 \
	VSUBSD      X2, X3, X3 \
	VANDPD      X13, X3, X4 \
	VMULSD      X12, X1, X5 \
	VMOVQ       X4, DX \
	VMOVQ       X5, R15 \
	CMPQ        DX, R15 \
	JLS         slow \
	VMOVQ       X3, DX \
	NOTQ        DX \
	SHRQ        $63, DX \
	JMP         done \
slow: \
	VDIVSD      X1, X0, X0 \
	VMULSD      X10, X0, X0 \
	VADDSD      X11, X0, X0 \
	VCVTTSD2SIQ X0, DX \
	SUBQ        DX, AX \
	SHRQ        $63, AX \
	MOVQ        AX, DX \
done: \
	MOVB        DX, oo(R13)(BX*1) \
	ADDQ        DX, R14

// func selectRunAVX2(up, mid, down, upA, midA, downA *float64, words *uint64, out *uint8, n int) int
//
// selectRun in AVX2: four sites (two words) a step, lane by lane
// selectRun's operations; a step with a site in the margin goes to VSEL
// for all four, and a last pair (n ≡ 2 mod 4) too. The four outcome bits
// (D's signs, inverted) become the four offspring bytes by one multiply:
// bit k times 2^(7k) lands on bit 8k, no two products overlapping.
TEXT ·selectRunAVX2(SB), NOSPLIT, $0-80
	MOVQ up+0(FP), SI
	MOVQ mid+8(FP), DI
	MOVQ down+16(FP), R8
	MOVQ upA+24(FP), R9
	MOVQ midA+32(FP), R10
	MOVQ downA+40(FP), R11
	MOVQ words+48(FP), R12
	MOVQ out+56(FP), R13
	MOVQ n+64(FP), CX
	// selectRun's constants, in every lane: Y10 2³², Y11 ½, Y12 2⁻¹⁰,
	// Y13 the mask of all but the sign, Y14 2³¹ + ½, Y15 2³¹ in each
	// 32-bit lane.
	MOVQ         $0x41F0000000000000, AX
	VMOVQ        AX, X10
	VPBROADCASTQ X10, Y10
	MOVQ         $0x3FE0000000000000, AX
	VMOVQ        AX, X11
	VPBROADCASTQ X11, Y11
	MOVQ         $0x3F50000000000000, AX
	VMOVQ        AX, X12
	VPBROADCASTQ X12, Y12
	MOVQ         $0x7FFFFFFFFFFFFFFF, AX
	VMOVQ        AX, X13
	VPBROADCASTQ X13, Y13
	MOVQ         $0x41E0000000100000, AX
	VMOVQ        AX, X14
	VPBROADCASTQ X14, Y14
	MOVQ         $0x8000000080000000, AX
	VMOVQ        AX, X15
	VPBROADCASTQ X15, Y15
	XORQ         BX, BX
	XORQ         R14, R14

vsloop:
	LEAQ    4(BX), AX
	CMPQ    AX, CX
	JA      vstail
	VMOVUPD (R10)(BX*8), Y0
	VADDPD  (R9)(BX*8), Y0, Y0
	VADDPD  (R11)(BX*8), Y0, Y0
	VMOVUPD (DI)(BX*8), Y1
	VADDPD  (SI)(BX*8), Y1, Y1
	VADDPD  (R8)(BX*8), Y1, Y1
	// Both sums are in: D = 2³²·W_A − (u + ½)·W for the four sites, and
	// |D| ≤ W·2⁻¹⁰ for any of them sends the step to VSEL.
	VMOVDQU   (R12), X2
	VPXOR     X15, X2, X2
	VCVTDQ2PD X2, Y2
	VADDPD    Y14, Y2, Y2
	VMULPD    Y1, Y2, Y2
	VMULPD    Y10, Y0, Y3
	VSUBPD    Y2, Y3, Y3
	VANDPD    Y13, Y3, Y4
	VMULPD    Y12, Y1, Y5
	VCMPPD    $2, Y5, Y4, Y4
	VMOVMSKPD Y4, AX
	TESTL     AX, AX
	JNZ       vsscalar
	VMOVMSKPD Y3, DX
	XORL      $15, DX
	IMUL3L    $0x00204081, DX, AX
	ANDL      $0x01010101, AX
	MOVL      AX, (R13)(BX*1)
	IMUL3L    $0x01010101, AX, AX
	SHRL      $24, AX
	ADDQ      AX, R14
	JMP       vsnext

vsscalar:
	MOVL (R12), AX
	VSEL(0, 0, vslow0, vdone0)
	MOVL 4(R12), AX
	VSEL(8, 1, vslow1, vdone1)
	MOVL 8(R12), AX
	VSEL(16, 2, vslow2, vdone2)
	MOVL 12(R12), AX
	VSEL(24, 3, vslow3, vdone3)

vsnext:
	ADDQ $16, R12
	ADDQ $4, BX
	JMP  vsloop

vstail:
	CMPQ BX, CX
	JAE  vsdone
	MOVL (R12), AX
	VSEL(0, 0, vslow4, vdone4)
	MOVL 4(R12), AX
	VSEL(8, 1, vslow5, vdone5)

vsdone:
	VZEROUPPER
	MOVQ R14, ret+72(FP)
	RET

// bernPerm puts bernoulliRunAVX2's packed bytes back in site order: the
// in-lane packs leave the four-site groups in the order 0, 2, 4, 6, 1, 3,
// 5, 7.
DATA bernPerm<>+0(SB)/8, $0x0000000400000000
DATA bernPerm<>+8(SB)/8, $0x0000000500000001
DATA bernPerm<>+16(SB)/8, $0x0000000600000002
DATA bernPerm<>+24(SB)/8, $0x0000000700000003
GLOBL bernPerm<>(SB), RODATA|NOPTR, $32

// func bernoulliRunAVX2(words *uint64, n int, thr uint64, out *uint8) int
//
// bernoulliRun in AVX2 over n words (a multiple of 16), thirty-two sites
// at a time: the same compares, packed within each 128-bit lane and then
// put in site order by VPERMD (bernPerm).
TEXT ·bernoulliRunAVX2(SB), NOSPLIT, $0-40
	MOVQ         words+0(FP), SI
	MOVQ         n+8(FP), CX
	MOVQ         thr+16(FP), AX
	MOVQ         out+24(FP), DI
	XORL         $0x80000000, AX
	VMOVQ        AX, X5
	VPBROADCASTD X5, Y5
	MOVL         $0x80000000, AX
	VMOVQ        AX, X7
	VPBROADCASTD X7, Y7
	MOVQ         $0x0101010101010101, AX
	VMOVQ        AX, X6
	VPBROADCASTQ X6, Y6
	VMOVDQU      bernPerm<>(SB), Y15
	VPXOR        Y4, Y4, Y4
	VPXOR        Y8, Y8, Y8
	LEAQ         (SI)(CX*8), CX
	CMPQ         SI, CX
	JAE          vberndone

vbernloop:
	VPSHUFD   $0xb1, 0(SI), Y0
	VPSHUFD   $0xb1, 32(SI), Y1
	VPSHUFD   $0xb1, 64(SI), Y2
	VPSHUFD   $0xb1, 96(SI), Y3
	VPXOR     Y7, Y0, Y0
	VPXOR     Y7, Y1, Y1
	VPXOR     Y7, Y2, Y2
	VPXOR     Y7, Y3, Y3
	VPCMPGTD  Y0, Y5, Y9
	VPCMPGTD  Y1, Y5, Y10
	VPCMPGTD  Y2, Y5, Y11
	VPCMPGTD  Y3, Y5, Y12
	VPACKSSDW Y10, Y9, Y9
	VPACKSSDW Y12, Y11, Y11
	VPACKSSWB Y11, Y9, Y9
	VPERMD    Y9, Y15, Y9
	VPAND     Y6, Y9, Y9
	VMOVDQU   Y9, 0(DI)
	VPSADBW   Y4, Y9, Y9
	VPADDQ    Y9, Y8, Y8
	ADDQ      $128, SI
	ADDQ      $32, DI
	CMPQ      SI, CX
	JB        vbernloop

vberndone:
	VEXTRACTI128 $1, Y8, X9
	VPADDQ       X9, X8, X8
	VPSRLDQ      $8, X8, X9
	VPADDQ       X9, X8, X8
	VMOVQ        X8, AX
	VZEROUPPER
	MOVQ         AX, ret+32(FP)
	RET
