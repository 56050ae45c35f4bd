package model

import (
	"math"
	"strings"
	"testing"
)

func TestAdoptAGeneralisesTheRecursion(t *testing.T) {
	p := Params{B: 1.7, C: 0.3, V: 0.6, Alpha: 0.35, TA: 0.45, TB: 0.2}
	for _, ph := range []float64{0, 0.1, 0.5, 0.93, 1} {
		var adults, parents float64
		for _, s := range []Phenotype{A, B} {
			for _, q := range []Phenotype{A, B} {
				pr := map[Phenotype]float64{A: ph, B: 1 - ph}
				share := pr[s] * pr[q]
				adults += share * p.AdoptA(s, q, ph)
				parents += share * p.Fitness(s, q) * p.AdoptA(s, q, ph)
			}
		}
		if d := math.Abs(adults - p.Adults(ph)); d > 1e-15 {
			t.Errorf("p̂ = %v: adults %v, recursion %v", ph, adults, p.Adults(ph))
		}
		if d := math.Abs(parents - p.ParentsWeighted(ph)); d > 1e-15 {
			t.Errorf("p̂ = %v: weighted parents %v, recursion %v", ph, parents, p.ParentsWeighted(ph))
		}
	}
}

func TestDetWorldOfOnePlatformIsTheRecursion(t *testing.T) {
	p := Params{B: 1.3, C: 0.05, V: 0.9, Alpha: 0.5, TA: 0.4, TB: 0.45}
	w, err := NewDetWorld([]DetPlatform{{Params: p, Size: 1000, InitialA: 0.3}}, Migration{}, 200)
	if err != nil {
		t.Fatal(err)
	}
	ph := 0.3
	for g := range 200 {
		st := w.Step()[0]
		if math.Abs(st.FreqA-ph) > 1e-13 || st.Size != 1000 || !math.IsNaN(st.FreqMigrants) {
			t.Fatalf("generation %d: %+v, recursion p̂ = %v", g, st, ph)
		}
		if math.Abs(st.MeanFitness-p.MeanFitness(ph)) > 1e-13 {
			t.Fatalf("generation %d: mean fitness %v, recursion %v", g, st.MeanFitness, p.MeanFitness(ph))
		}
		ph = p.Next(ph)
	}
}

// Two identical platforms exchanging migrants at any rate are one
// population: each follows the single-platform recursion.
func TestDetWorldIdenticalPlatformsMixFreely(t *testing.T) {
	p := Params{B: 1.3, C: 0.05, V: 0.9, Alpha: 0.5, TA: 0.4, TB: 0.45}
	mig := Migration{Routes: []Route{{From: 0, To: 1, Rate: 0.3}, {From: 1, To: 0, Rate: 0.1}},
		Exposures: []Exposure{{Learners: 0, Donors: 1, Prob: 0.4}},
		Events:    []Event{{Generation: 3, From: 1, To: 0, Fraction: 0.5}}}
	w, err := NewDetWorld([]DetPlatform{{Params: p, Size: 500, InitialA: 0.3}, {Params: p, Size: 1500, InitialA: 0.3}}, mig, 50)
	if err != nil {
		t.Fatal(err)
	}
	ph := 0.3
	for g := range 50 {
		st := w.Step()
		for k := range 2 {
			if math.Abs(st[k].FreqA-ph) > 1e-12 {
				t.Fatalf("generation %d platform %d: %v, recursion %v", g, k, st[k].FreqA, ph)
			}
		}
		if tot := st[0].Size + st[1].Size; math.Abs(tot-2000) > 1e-9 {
			t.Fatalf("generation %d: world size %v", g, tot)
		}
		if math.Abs(st[0].MovedIn-st[1].MovedOut) > 1e-9 {
			t.Fatalf("generation %d: moves %v in, %v out", g, st[0].MovedIn, st[1].MovedOut)
		}
		ph = p.Next(ph)
	}
}

func TestMigrationValidate(t *testing.T) {
	bad := []struct {
		m    Migration
		want string
	}{
		{Migration{Routes: []Route{{From: 0, To: 2, Rate: 0.1}}}, "migration[0].to = 2 is outside its allowed range [0, 2)"},
		{Migration{Routes: []Route{{From: 0, To: 1, Rate: 1.5}}}, "migration[0].rate = 1.5 is outside its allowed range [0, 1]"},
		{Migration{Routes: []Route{{From: 0, To: 1, Rate: 0.7}, {From: 0, To: 1, Rate: 0.4}}}, `migration[1].rate: the rates of migration from "x" sum to 1.1, above 1`},
		{Migration{Routes: []Route{{From: 0, To: 1, Rate: 0.1, Start: 5, End: 5}}}, "migration[0].end = 5 is outside its allowed range (5, ∞)"},
		{Migration{Events: []Event{{Generation: 100, From: 0, To: 1, Fraction: 0.5}}}, "event[0].generation = 100 is outside its allowed range [0, 100)"},
		{Migration{Events: []Event{{From: 1, To: 1, Fraction: 0.5}}}, "event[0].to: is the same platform as from"},
		{Migration{Exposures: []Exposure{{Learners: 0, Donors: 1, Prob: -0.1}}}, "cross_exposure[0].probability = -0.1 is outside its allowed range [0, 1]"},
		{Migration{Exposures: []Exposure{{Learners: 1, Donors: 0, Prob: 0.6}, {Learners: 1, Donors: 0, Prob: 0.6}}}, `cross_exposure[1].probability: the exposure probabilities of "y" sum to 1.2`},
	}
	for _, b := range bad {
		err := b.m.Validate([]string{"x", "y"}, 100)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%+v: error %v, want %q", b.m, err, b.want)
		}
	}
	if _, err := NewDetWorld([]DetPlatform{{Params: Params{B: 1, C: 0, V: 1, TA: 0.1, TB: 0.1}, Size: 1}, {Params: Params{B: 1, C: 0, V: 1, TA: 0.1, TB: 0.1}, Size: 1}},
		Migration{Routes: []Route{{From: 0, To: 1, Rate: 0.1, PayoffSeeking: true}}}, 10); err == nil || !strings.Contains(err.Error(), "migration[0].rule") || !strings.Contains(err.Error(), "payoff-seeking") {
		t.Errorf("payoff-seeking route accepted by the counterpart: %v", err)
	}
}

// An event of fraction 1 moves everything even when the group's mass is
// not whole (round(n) may exceed n): nothing negative, nothing created.
func TestDetWorldEventNeverMovesMoreThanThere(t *testing.T) {
	p := Params{B: 1.3, C: 0.1, V: 0.9, Alpha: 0.3, TA: 0.3, TB: 0.3}
	mig := Migration{Routes: []Route{{From: 1, To: 0, Rate: 0.0125}},
		Events: []Event{{Generation: 1, From: 0, To: 1, Fraction: 1}, {Generation: 3, From: 1, To: 0, Fraction: 1, Phenotype: OnlyA}}}
	w, err := NewDetWorld([]DetPlatform{{Params: p, Size: 1000, InitialA: 0.5}, {Params: p, Size: 1000, InitialA: 0.5}}, mig, 10)
	if err != nil {
		t.Fatal(err)
	}
	for g := range 10 {
		st := w.Step()
		if tot := st[0].Size + st[1].Size; math.Abs(tot-2000) > 1e-9 {
			t.Fatalf("generation %d: world size %v", g, tot)
		}
		for k, s := range st {
			if s.Size < -1e-9 || s.FreqA < -1e-12 || s.FreqA > 1+1e-12 {
				t.Fatalf("generation %d platform %d: %+v", g, k, s)
			}
		}
	}
}

// Reaches: an event reaches both its ends from its generation back to 0;
// a route reaches its ends until its end (exclusive), for ever without
// one, and before its start; other platforms are never reached.
func TestMigrationReaches(t *testing.T) {
	m := Migration{
		Events: []Event{{Generation: 5, From: 0, To: 1, Fraction: 0.5}},
		Routes: []Route{{From: 2, To: 3, Rate: 0.1, Start: 10, End: 20}, {From: 3, To: 4, Rate: 0.1, Start: 30}},
	}
	for _, c := range []struct {
		k, g int
		want bool
	}{
		{0, 0, true}, {1, 5, true}, {0, 6, false}, {1, 6, false},
		{2, 0, true}, {2, 19, true}, {2, 20, false}, {3, 20, true}, {3, 10_000, true}, {4, 0, true},
		{5, 0, false},
	} {
		if got := m.Reaches(c.k, c.g); got != c.want {
			t.Errorf("Reaches(%d, %d) = %v, want %v", c.k, c.g, got, c.want)
		}
	}
}
