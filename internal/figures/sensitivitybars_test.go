package figures

import (
	"math"
	"testing"
)

func TestSensitivityBars(t *testing.T) {
	params := []string{"T_A", "α", Literal("switch_rate")}
	first := []float64{0.52, 0.21, -0.02}
	total := []float64{0.68, 0.35, 0.04}
	firstLo := []float64{0.45, 0.15, -0.08}
	firstHi := []float64{0.60, 0.27, 0.03}
	totalLo := []float64{0.60, 0.28, 0.01}
	totalHi := []float64{0.77, 0.43, math.NaN()} // no interval
	totalLo[2] = math.NaN()
	f, err := SensitivityBars("final frequency of A", params, first, total, firstLo, firstHi, totalLo, totalHi, "Sobol indices of the test scenario", "culturesim test")
	if err != nil {
		t.Fatal(err)
	}
	renderBoth(t, f, "sobol3")

	// many long names: rotated labels; no intervals; an interval beyond 1
	var many []string
	var s1, st []float64
	for k := range 12 {
		many = append(many, Literal("parameter_number_"+string(rune('a'+k))))
		s1 = append(s1, 0.05*float64(k%4))
		st = append(st, 0.08*float64(k%5))
	}
	f, err = SensitivityBars("y", many, s1, st, nil, nil, nil, nil, "Twelve parameters", "")
	if err != nil {
		t.Fatal(err)
	}
	renderBoth(t, f, "sobol12")
	hi := []float64{0.6, 0.3, 1.2}
	lo := []float64{0.4, 0.1, 0.9}
	if _, err := SensitivityBars("", params, first, total, lo, hi, nil, nil, "", ""); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name               string
		params             []string
		first, total       []float64
		flo, fhi, tlo, thi []float64
	}{
		{"no parameters", nil, nil, nil, nil, nil, nil, nil},
		{"short first", params, first[:2], total, nil, nil, nil, nil},
		{"short total", params, first, total[:1], nil, nil, nil, nil},
		{"one bound", params, first, total, firstLo, nil, nil, nil},
		{"short bounds", params, first, total, nil, nil, totalLo[:2], totalHi[:2]},
		{"NaN index", params, []float64{0.1, math.NaN(), 0.2}, total, nil, nil, nil, nil},
		{"infinite index", params, first, []float64{0.1, math.Inf(1), 0.2}, nil, nil, nil, nil},
		{"lo > hi", params, first, total, firstHi, firstLo, nil, nil},
		{"infinite bound", params, first, total, nil, nil, []float64{0, 0, math.Inf(-1)}, []float64{1, 1, 1}},
	} {
		if _, err := SensitivityBars("y", tc.params, tc.first, tc.total, tc.flo, tc.fhi, tc.tlo, tc.thi, "", ""); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func TestMorrisPlot(t *testing.T) {
	params := []string{"T_A", "α", Literal("switch_rate"), "b", "γ_1"}
	mu := []float64{0.42, 0.18, 0.02, 0.30, 0.01}
	sigma := []float64{0.15, 0.22, 0.01, 0.05, 0.012}
	f, err := MorrisPlot(params, mu, sigma, "Morris screening of the test scenario", "culturesim test")
	if err != nil {
		t.Fatal(err)
	}
	renderBoth(t, f, "morris")
	// a cluster of small effects: the labels find room around the points
	var names []string
	var cm, cs []float64
	for k := range 8 {
		names = append(names, Literal("minor_"+string(rune('a'+k))))
		cm = append(cm, 0.01+0.004*float64(k%3))
		cs = append(cs, 0.008+0.003*float64(k%4))
	}
	names, cm, cs = append(names, "T_A"), append(cm, 0.4), append(cs, 0.1)
	f, err = MorrisPlot(names, cm, cs, "A cluster", "")
	if err != nil {
		t.Fatal(err)
	}
	renderBoth(t, f, "morris_cluster")
	if _, err := MorrisPlot([]string{"a"}, []float64{0}, []float64{0}, "all zero", ""); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		params    []string
		mu, sigma []float64
	}{
		{"no parameters", nil, nil, nil},
		{"short μ*", params, mu[:3], sigma},
		{"short σ", params, mu, sigma[:4]},
		{"negative μ*", params[:1], []float64{-0.1}, []float64{0.1}},
		{"NaN σ", params[:1], []float64{0.1}, []float64{math.NaN()}},
		{"infinite μ*", params[:1], []float64{math.Inf(1)}, []float64{0.1}},
	} {
		if _, err := MorrisPlot(tc.params, tc.mu, tc.sigma, "", ""); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}
