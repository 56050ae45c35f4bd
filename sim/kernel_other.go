//go:build !amd64 || purego

package sim

// kernelAsm reports that no assembly kernel exists here: the play loops
// run their Go forms.
const kernelAsm = false

// hasAVX2 and avx2On: no AVX2 kernel here either.
const hasAVX2 = false

var avx2On = hasAVX2

func interiorRun16(phen *uint8, cnt *uint16, batch *int32, n int, words *uint64, k *kernel16) int {
	panic("sim: no assembly kernel on this platform")
}

func strideRun16(phen *uint8, cnt *uint16, nbr *int32, batch *int32, n int, words *uint64, k *kernel16) {
	panic("sim: no assembly kernel on this platform")
}

func fitnessRun16(cnt *uint16, phen *uint8, n int, tab *float64, tabLen int, w, fa *float64, lanes *[8]float64) (nA int) {
	panic("sim: no assembly kernel on this platform")
}

func rowsPairsRun(w, fa *float64, L, n int, tW, tA *float64) {
	panic("sim: no assembly kernel on this platform")
}

func rowsRun(w *float64, phen *uint8, unit *[2]float64, L, n int, tW, tA *float64) {
	panic("sim: no assembly kernel on this platform")
}

func selectRun(up, mid, down, upA, midA, downA *float64, words *uint64, out *uint8, n int) int {
	panic("sim: no assembly kernel on this platform")
}

func bandRun16(phen *uint8, cnt *uint16, list *bandEntry, n int, marks *uint64, k *kernel16) int {
	panic("sim: no assembly kernel on this platform")
}

func pairsRun(pj *uint8, words *uint64, n int, k *pairKernel, out *uint8) (nPack, aPack uint64) {
	panic("sim: no assembly kernel on this platform")
}

func bernoulliRun(words *uint64, n int, thr uint64, out *uint8) int {
	panic("sim: no assembly kernel on this platform")
}

func sumsWRun(pairs *[2]float64, start *int32, blk *int32, groups int, sumW, sumWA *float64) {
	panic("sim: no assembly kernel on this platform")
}

func sumsRun(trip *[3]float64, start *int32, blk *int32, groups int, sumW, sumWA, sumA *float64) {
	panic("sim: no assembly kernel on this platform")
}

func bitsRun(words *uint64, n int, base int32, sites *int32, m int) int {
	panic("sim: no assembly kernel on this platform")
}
