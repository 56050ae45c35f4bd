package sim

import "testing"

func BenchmarkTmpBandBytes(b *testing.B) {
	for _, side := range []int{1000, 4000} {
		for _, bb := range []int{128 << 10, 256 << 10, 512 << 10, 1 << 20} {
			b.Run(itoa(side)+"-"+itoa(bb>>10)+"K", func(b *testing.B) {
				old := bandBytes
				bandBytes = bb
				defer func() { bandBytes = old }()
				benchLattice(b, LatticeConfig{Side: side})
			})
		}
	}
}
