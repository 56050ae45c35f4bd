package figures

import (
	"math"
	"strings"
	"testing"

	"github.com/culturesim/culturesim/model"
)

func TestTickStep(t *testing.T) {
	for _, tc := range []struct{ span, want float64 }{{1, 0.2}, {0.2, 0.05}, {0.5, 0.1}, {250000, 50000}, {0.14, 0.02}} {
		if got := tickStep(tc.span); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("tickStep(%v) = %v, want %v", tc.span, got, tc.want)
		}
	}
	ts := stepTicks(0.2).Ticks(-0.6, 0.4)
	var labels []string
	for _, tk := range ts {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if strings.Join(labels, " ") != "-0.6 -0.4 -0.2 0.0 0.2 0.4" {
		t.Errorf("labels %v", labels)
	}
}

func TestSubscriptRuns(t *testing.T) {
	got := runs("T_A − T_{AB}, γ_1")
	want := []run{{"T", false}, {"A", true}, {" − T", false}, {"AB", true}, {", γ", false}, {"1", true}}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("run %d: %v, want %v", i, got[i], want[i])
		}
	}
	parts, marks := segments("p̂' − p̂")
	if len(parts) != 3 || parts[0] != "p" || string(marks[0]) != "ˆ" || parts[1] != "' − " {
		t.Errorf("segments %q %q", parts, marks)
	}
	var lit strings.Builder
	for _, r := range runs(Literal("tiktok_ban_2")) {
		if r.sub {
			t.Errorf("Literal: %q is a subscript", r.s)
		}
		lit.WriteString(r.s)
	}
	if lit.String() != "tiktok_ban_2" {
		t.Errorf("Literal: %q", lit.String())
	}
}

func TestCurveLinesBreakAtPoles(t *testing.T) {
	// γ2 = [bvαT_B + (1+b)Δ]/[v(1−T_B) + (1−v)Δ] with Δ < 0 has a pole
	// where the denominator vanishes: v(1−T_B) = (v−1)Δ.
	base := model.Params{B: 2, Alpha: 0.7, TA: 0.5, TB: 0.7}
	d := PhaseDiagram{X: PhaseAxis{Min: 0, Max: 1}, Y: PhaseAxis{Min: 0, Max: 1}}
	lines := d.curveLines(PhaseCurve{Y: func(v float64) float64 {
		p := base
		p.V = v
		return p.Gamma2()
	}})
	if len(lines) < 2 {
		t.Fatalf("γ2 across its pole should split, got %d pieces", len(lines))
	}
}
