package fit

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/sim/rng"
)

// gaussian is a toy simulator with a known posterior: the data are the
// mean of n draws from N(μ, 1); with a flat prior the exact posterior of
// μ is N(ȳ, 1/n), and ABC's tends to it as ε → 0 (the distance is
// |simulated mean − ȳ|, a sufficient statistic).
func gaussian(ybar float64, n int) Simulator {
	return func(_ context.Context, z []float64, seed uint64, eps float64) (float64, error) {
		r := rng.New(seed)
		s := 0.0
		for range n {
			u1, u2 := 1-r.Float64(), r.Float64()
			s += z[0] + math.Sqrt(-2*math.Log(u1))*math.Cos(2*math.Pi*u2)
		}
		return math.Abs(s/float64(n) - ybar), nil
	}
}

type memStore struct {
	m     map[[2]int]Attempt
	fail  int // Record fails after this many (0: never)
	count int
}

func (s *memStore) Lookup(g, k int) (Attempt, bool) { a, ok := s.m[[2]int{g, k}]; return a, ok }
func (s *memStore) Record(a Attempt) error {
	s.count++
	if s.fail > 0 && s.count > s.fail {
		return errors.New("killed")
	}
	s.m[[2]int{a.Generation, a.Index}] = a
	return nil
}

func newStore() *memStore { return &memStore{m: map[[2]int]Attempt{}} }

func TestABCRecoversGaussianPosterior(t *testing.T) {
	const n, ybar = 25, 0.3
	priors := []Prior{{Name: "mu", Lo: -3, Hi: 3}}
	s := Settings{Particles: 1000, Generations: 6, Quantile: 0.5, MinAcceptance: 0, MaxSimulations: 1e6, Workers: 2, Seed: 4}
	pops, stop, err := Run(context.Background(), priors, s, gaussian(ybar, n), &syncStore{s: newStore()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	last := pops[len(pops)-1]
	mean, v := 0.0, 0.0
	for _, p := range last.Particles {
		mean += p.Weight * p.Z[0]
	}
	for _, p := range last.Particles {
		v += p.Weight * (p.Z[0] - mean) * (p.Z[0] - mean)
	}
	sd := math.Sqrt(v)
	// The ABC posterior is the exact one convolved with the tolerance's
	// uniform window: variance 1/n + ε²/3.
	want := math.Sqrt(1.0/n + last.Epsilon*last.Epsilon/3)
	// Standard errors of a weighted sample of effective size ESS: the
	// mean's sd/√ESS, the sd's about sd/√(2 ESS); 4 of each.
	seMean, seSD := want/math.Sqrt(last.ESS), want/math.Sqrt(2*last.ESS)
	t.Logf("stop %q after %d populations: ε = %.4f, mean %.4f (want %.4f ± %.4f), sd %.4f (want %.4f ± %.4f), ESS %.0f",
		stop, len(pops), last.Epsilon, mean, ybar, seMean, sd, want, seSD, last.ESS)
	if math.Abs(mean-ybar) > 4*seMean || math.Abs(sd-want) > 4*seSD {
		t.Errorf("posterior mean %.4f sd %.4f; want %.4f and %.4f", mean, sd, ybar, want)
	}
	for i := 1; i < len(pops); i++ {
		if !(pops[i].Epsilon < pops[i-1].Epsilon) {
			t.Errorf("ε did not fall: %v then %v", pops[i-1].Epsilon, pops[i].Epsilon)
		}
	}
}

// syncStore serialises a memStore for the workers.
type syncStore struct {
	mu sync.Mutex
	s  *memStore
}

func (s *syncStore) Lookup(g, k int) (Attempt, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.s.Lookup(g, k)
}

func (s *syncStore) Record(a Attempt) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.s.Record(a)
}

// A fit is the same for any number of workers, and a fit killed in the
// middle resumes to the populations of one never killed.
func TestABCDeterministicAndResumable(t *testing.T) {
	priors := []Prior{{Name: "mu", Lo: -3, Hi: 3}, {Name: "log_s", Lo: math.Log(0.1), Hi: math.Log(10), Log: true}}
	sim := func(_ context.Context, z []float64, seed uint64, eps float64) (float64, error) {
		r := rng.New(seed)
		return math.Abs(z[0]+0.1*r.Float64()-1) + math.Abs(math.Exp(z[1])-2), nil
	}
	s := Settings{Particles: 50, Generations: 4, Quantile: 0.5, MaxSimulations: 1e6, Workers: 1, Seed: 9}
	want, _, err := Run(context.Background(), priors, s, sim, &syncStore{s: newStore()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Workers = 3
	got, _, _ := Run(context.Background(), priors, s, sim, &syncStore{s: newStore()}, nil)
	if !reflect.DeepEqual(got, want) {
		t.Error("3 workers give another fit than 1")
	}
	// Killed after 150 simulations, then resumed from the journal on
	// disk.
	dir := t.TempDir()
	path := filepath.Join(dir, JournalFile)
	j, err := OpenJournal(path, "fp", false)
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	killing := func(ctx context.Context, z []float64, seed uint64, eps float64) (float64, error) {
		if calls.Add(1) > 150 {
			return 0, errors.New("killed")
		}
		return sim(ctx, z, seed, eps)
	}
	if _, _, err := Run(context.Background(), priors, s, killing, j, nil); err == nil {
		t.Fatal("the killed fit did not fail")
	}
	j.Close()
	// A torn last line, as a kill in mid-write leaves.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"g":1,"k":3,"z":[0.1`)
	f.Close()
	if _, err := OpenJournal(path, "another", true); !errors.Is(err, ErrOtherFit) {
		t.Errorf("another fit's journal: %v", err)
	}
	j, err = OpenJournal(path, "fp", true)
	if err != nil {
		t.Fatal(err)
	}
	resumed := j.Resumed()
	calls.Store(0)
	counting := func(ctx context.Context, z []float64, seed uint64, eps float64) (float64, error) {
		calls.Add(1)
		return sim(ctx, z, seed, eps)
	}
	got, _, err = Run(context.Background(), priors, s, counting, j, nil)
	j.Close()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, p := range want {
		total += p.Simulations
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("the resumed fit differs from the uninterrupted one")
	}
	if resumed < 140 || int(calls.Load())+resumed < total {
		t.Errorf("resumed %d simulations, ran %d more, of %d", resumed, calls.Load(), total)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), `[0.1`+"\n") || !strings.HasSuffix(string(b), "\n") {
		t.Error("the torn line was not cut off")
	}
}

func TestObservedAndDistance(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "obs.csv")
	os.WriteFile(p, []byte("generation,platform,n_agents,freq_a,other\n0,x,100,0.5,1\n2,x,80,0.6,1\n2,x,80,0.8,1\n2,all,180,0.7,1\n"), 0o644)
	o, err := ReadObserved(p, []string{"x", "y"}, 10, []string{"freq_a", "size"})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Obs) != 6 || o.Obs[4].Value != 0.7 || o.Obs[4].Platform != "x" || o.Obs[4].Row != 1 || o.Obs[2].Row != 0 || o.Obs[5].Value != 80 {
		t.Fatalf("%+v", o.Obs)
	}
	// A run that fixed at generation 1: generation 2 reads its final state.
	series := []artifact.Record{
		{Generation: 0, Rows: []artifact.Row{{Size: 200, FreqA: 0.5}, {Size: 100, FreqA: 0.5}, {Size: 100, FreqA: 0.5}}},
		{Generation: 1, Rows: []artifact.Row{{Size: 200, FreqA: 0.6}, {Size: 100, FreqA: 0.6}, {Size: 100, FreqA: 0.6}}},
	}
	d := o.Distance(series, "euclidean")
	// freq: 0, 0.6−0.7 (x at 2), 0.6−0.7 (all at 2); size: 0, (100−80)/80, (200−180)/180
	want := math.Sqrt(0.01 + 0.01 + 0.0625 + (20.0/180)*(20.0/180))
	if math.Abs(d-want) > 1e-12 {
		t.Errorf("distance %v, want %v", d, want)
	}
	m := o.Meter("euclidean")
	m.Add(series[0])
	if b := m.Bound(); b != 0 || b > d {
		t.Errorf("bound after generation 0: %v", b)
	}
	for _, c := range []struct{ text, want string }{
		{"generation,freq_a\n0,0.5\n", "no platform column"},
		{"platform,freq_a\nx,0.5\n", "no generation column"},
		{"generation,platform,freq_a\n0,z,0.5\n", `obs.csv:2: platform = "z" is not one of the scenario's`},
		{"generation,platform,freq_a\n11,x,0.5\n", `generation = "11" is not a whole number in [0, 10]`},
		{"generation,platform,freq_a\n1,x,1.5\n", "freq_a = 1.5 is outside [0, 1]"},
		{"generation,platform,n_agents\n1,x,5\n", "no freq_a column"},
		{"generation,platform,freq_a\n", "no observations"},
	} {
		os.WriteFile(p, []byte(c.text), 0o644)
		_, err := ReadObserved(p, []string{"x", "y"}, 10, []string{"freq_a"})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.text, err, c.want)
		}
	}
}
