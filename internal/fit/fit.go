package fit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
	"github.com/culturesim/culturesim/sim/rng"
)

// KindFit is the manifest kind of a fit's output directory.
const KindFit = "fit"

// Output files of a fit.
const (
	PosteriorFile        = "posterior.csv"
	PosteriorParquetFile = "posterior.parquet"
	PopulationsFile      = "populations.csv"
	EstimatesFile        = "estimates.csv"
	CornerBase           = "corner"
)

// Options are a fit's inputs besides the scenario's [fit] table (whose
// settings they have already merged).
type Options struct {
	Dir        string
	Data       string // the observed data file
	Spec       scenarios.FitSpec
	Seed       uint64
	Workers    int
	Resume     bool
	Force      bool
	Truth      map[string]float64 // marked on the corner plot and checked in the estimates
	Provenance artifact.Provenance
	Progress   func(Population, time.Duration)
}

// Estimate summarises one parameter's posterior (the last population).
type Estimate struct {
	Key                string
	Prior              scenarios.Prior
	Mean, SD           float64
	Q025, Median, Q975 float64
	WidthOfPrior       float64 // (Q975 − Q025) / (prior's To − From)
	Truth              float64 // NaN when not given
	TruthInside        bool
}

// Result is what a fit found.
type Result struct {
	Populations []Population
	Stop        Stop
	Estimates   []Estimate
	Simulations int // in all populations, to each one's last acceptance (those resumed from the journal included)
	Resumed     int // simulations the journal held when the fit started
	Ran         int // simulations this session ran (a block's past its population's last acceptance included)
	Files       []string
	Wall        time.Duration
}

// Manifest is a fit directory's manifest.json.
type Manifest struct {
	artifact.Manifest
	Data        DataInfo           `json:"data"`
	Settings    scenarios.FitSpec  `json:"settings"`
	Truth       map[string]float64 `json:"truth,omitempty"`
	Seed        uint64             `json:"seed"`
	Derivation  string             `json:"seed_derivation"`
	Stop        string             `json:"stop"`
	Populations int                `json:"populations"`
	Simulations int                `json:"simulations"`
	Complete    bool               `json:"complete"`
}

// DataInfo records the observed data file.
type DataInfo struct {
	Path         string `json:"path"` // relative: in the fit's directory
	SHA256       string `json:"sha256"`
	Observations int    `json:"observations"`
}

// SeedDerivation says how a fit's random streams are derived.
const SeedDerivation = "attempt k of population t proposes from rng.StreamSeed(seed, 2t, k) and simulates from rng.StreamSeed(seed, 2t+1, k)"

// Fit fits sc's [fit] priors to the observed data by ABC-SMC and writes
// the posterior, the populations' tolerances and acceptance rates, the
// estimates and a corner plot to o.Dir.
func Fit(ctx context.Context, sc *scenarios.Scenario, o Options) (*Result, error) {
	start := time.Now()
	spec := o.Spec
	if len(spec.Priors) == 0 {
		return nil, &execute.InputError{Err: fmt.Errorf("%s has no [fit.prior] entries: nothing to fit (see README, \"Fitting a scenario to data\")", sc.File)}
	}
	keys := make([]string, len(spec.Priors))
	priors := make([]Prior, len(spec.Priors))
	for i, p := range spec.Priors {
		keys[i] = p.Key
		priors[i] = Prior{Name: p.Key, Lo: p.From, Hi: p.To, Log: p.Log}
		if p.Log {
			priors[i].Lo, priors[i].Hi = math.Log(p.From), math.Log(p.To)
		}
	}
	for k := range o.Truth {
		if !slices.Contains(keys, k) {
			return nil, &execute.InputError{Err: fmt.Errorf("--truth %s: not a fitted parameter (the priors are on %s)", k, strings.Join(keys, ", "))}
		}
	}
	if sc.NumPoints() > 1 {
		return nil, &execute.InputError{Err: fmt.Errorf("%s has a [sweep] of %d points; a fit starts from one world: drop the [sweep] (or copy the scenario without it)", sc.File, sc.NumPoints())}
	}
	setter, err := sc.NewSetter(0, keys)
	if err != nil {
		return nil, &execute.InputError{Err: fmt.Errorf("[fit.prior]: %w", err)}
	}
	if err := artifact.PrepareDir(o.Dir, KindFit, o.Force || o.Resume); err != nil {
		return nil, &execute.InputError{Err: err}
	}
	lock, err := artifact.LockDir(o.Dir, o.Provenance.Command)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	if o.Data == "" {
		if o.Data, err = synthesize(ctx, sc, setter, o); err != nil {
			return nil, err
		}
	}
	obs, err := ReadObserved(o.Data, sc.PlatformNames(), sc.Run.Generations, spec.Stats)
	if err != nil {
		return nil, &execute.InputError{Err: err}
	}
	fp := fingerprint(sc, obs, spec, o.Seed)
	journal, err := OpenJournal(filepath.Join(o.Dir, JournalFile), fp, o.Resume)
	if errors.Is(err, ErrOtherFit) {
		return nil, &execute.InputError{Err: err}
	}
	if err != nil {
		return nil, err
	}
	res := &Result{Resumed: journal.Resumed()}
	man := Manifest{Manifest: artifact.Manifest{Schema: artifact.Schema, Kind: KindFit, Provenance: o.Provenance, Scenario: artifact.ScenarioOf(sc)},
		Data: DataInfo{Path: dataPath(o.Dir, o.Data), SHA256: obs.SHA256, Observations: len(obs.Obs)}, Settings: spec,
		Truth: o.Truth, Seed: o.Seed, Derivation: SeedDerivation}
	// The manifest comes first: a killed fit's directory is a fit's,
	// which --resume continues.
	man.Files = []string{JournalFile}
	if filepath.Dir(o.Data) == filepath.Clean(o.Dir) {
		man.Files = append(man.Files, filepath.Base(o.Data))
	}
	if err := artifact.WriteJSON(filepath.Join(o.Dir, artifact.ManifestFile), man); err != nil {
		journal.Close()
		return nil, err
	}
	var ran atomic.Int64
	simulate := func(ctx context.Context, z []float64, seed uint64, eps float64) (float64, error) {
		ran.Add(1)
		vals := make([]sim.Value, len(z))
		for i, p := range priors {
			vals[i] = paramValue(setter.Axis(i), p.Value(z[i]))
		}
		cfg, err := setter.World(vals)
		if err != nil {
			return math.NaN(), nil // outside what the model allows: never accepted
		}
		// The distance so far only grows: once it passes ε the run is
		// rejected whatever follows, and stops (most of a late
		// population's proposals end early).
		m := obs.Meter(spec.Distance)
		_, stopped, err := execute.SimulateWatched(ctx, cfg, sc.Run, seed, 1, func(rec artifact.Record) bool {
			m.Add(rec)
			return !(m.Bound() > eps)
		})
		if err != nil {
			return 0, err
		}
		if stopped {
			return math.Inf(1), nil
		}
		return m.Final(), nil
	}
	settings := Settings{Particles: spec.Particles, Generations: spec.Generations, Quantile: spec.Quantile,
		MinAcceptance: spec.MinAcceptance, MaxSimulations: spec.MaxSimulations, Workers: o.Workers, Seed: o.Seed}
	pops, stop, runErr := Run(ctx, priors, settings, simulate, journal, func(p Population) {
		if o.Progress != nil {
			o.Progress(p, time.Since(start))
		}
	})
	if cerr := journal.Close(); runErr == nil && cerr != nil {
		runErr = cerr
	}
	res.Populations, res.Stop, res.Ran = pops, stop, int(ran.Load())
	for _, p := range pops {
		res.Simulations += p.Simulations
	}
	if len(pops) > 0 {
		files, err := writeOutputs(sc, o, setter, priors, pops, res)
		res.Files = files
		if err != nil {
			return res, err
		}
	}
	man.Files = append(man.Files[:len(man.Files):len(man.Files)], res.Files...)
	man.Stop, man.Populations, man.Simulations, man.Complete = string(stop), len(pops), res.Simulations, runErr == nil && len(pops) > 0
	if err := artifact.WriteJSON(filepath.Join(o.Dir, artifact.ManifestFile), man); err != nil && runErr == nil {
		runErr = err
	}
	res.Wall = time.Since(start)
	if runErr == nil && len(pops) == 0 {
		runErr = &execute.InputError{Err: fmt.Errorf("max_simulations = %d ran out before the prior's population of %d particles was complete (every one of its draws is simulated; a draw the model refuses counts too)", spec.MaxSimulations, spec.Particles)}
	}
	return res, runErr
}

// SyntheticFile is the observed data a fit without --data simulates at
// its truth.
const SyntheticFile = "observed.csv"

// synthesize simulates one run at the truth (every fitted parameter
// given) from the stream rng.StreamSeed(seed, −1, 0) (no attempt uses it),
// and writes its series, every generation, as the fit's observed data.
func synthesize(ctx context.Context, sc *scenarios.Scenario, setter *scenarios.Setter, o Options) (string, error) {
	vals := make([]sim.Value, len(setter.Keys()))
	for i, k := range setter.Keys() {
		t, ok := o.Truth[k]
		if !ok {
			return "", &execute.InputError{Err: fmt.Errorf("without --data the fit simulates its data at the truth: give every fitted parameter in --truth (%s is missing)", k)}
		}
		v, err := setter.Parse(i, t)
		if err != nil {
			return "", &execute.InputError{Err: fmt.Errorf("--truth: %w", err)}
		}
		vals[i] = paramValue(setter.Axis(i), v.Num)
	}
	cfg, err := setter.World(vals)
	if err != nil {
		return "", &execute.InputError{Err: fmt.Errorf("--truth: %w", err)}
	}
	r, err := execute.Simulate(ctx, cfg, sc.Run, rng.StreamSeed(o.Seed, -1, 0), 1)
	if err != nil {
		return "", err
	}
	t := &artifact.Table{Header: []string{"generation", "platform", "n_agents", "freq_a"}}
	names := sc.PlatformNames()
	for _, rec := range r.Series {
		for k, row := range rec.Rows {
			name := WorldRow
			if len(rec.Rows) == 1 {
				name = names[0]
			} else if k > 0 {
				name = names[k-1]
			}
			t.Add(artifact.I(rec.Generation), name, artifact.F(row.Size), artifact.F(row.FreqA))
		}
	}
	path := filepath.Join(o.Dir, SyntheticFile)
	return path, t.Write(path)
}

// paramValue is a fitted parameter's value as the setting takes it: a
// whole number for an integer setting.
func paramValue(a scenarios.Axis, x float64) sim.Value {
	if a.Type == sim.Int {
		x = math.Round(x)
	}
	return sim.Num(x)
}

// fingerprint names a fit: everything that decides its simulations
// (not the number of workers, nor the rules that only decide when to
// stop, so that a finished fit resumed with more generations continues
// it).
func fingerprint(sc *scenarios.Scenario, obs *Observed, spec scenarios.FitSpec, seed uint64) string {
	spec.Generations, spec.MinAcceptance, spec.MaxSimulations = 0, 0, 0
	b, _ := json.Marshal(struct {
		Scenario, Data string
		Spec           scenarios.FitSpec
		Seed           uint64
	}{artifact.ScenarioHash(sc), obs.SHA256, spec, seed})
	return artifact.TextHash(string(b))
}

// dataPath records where the data were read: relative to the fit's
// directory for its own observed.csv (the directory moves with it),
// absolute otherwise.
func dataPath(dir, p string) string {
	if filepath.Dir(p) == filepath.Clean(dir) {
		return filepath.Base(p)
	}
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// writeOutputs writes the tables and the corner plot.
func writeOutputs(sc *scenarios.Scenario, o Options, setter *scenarios.Setter, priors []Prior, pops []Population, res *Result) ([]string, error) {
	meta := artifact.ParquetMeta{Provenance: o.Provenance, Scenario: artifact.ScenarioOf(sc), SeedDerivation: SeedDerivation}
	d := len(priors)
	value := func(i int, z float64) float64 { return paramValue(setter.Axis(i), priors[i].Value(z)).Num }

	post := &artifact.Table{Header: []string{"generation", "particle", "weight", "distance"}, Types: []artifact.ColType{artifact.ColInt, artifact.ColInt, artifact.ColFloat, artifact.ColFloat}}
	for _, p := range priors {
		post.Header = append(post.Header, p.Name)
		post.Types = append(post.Types, artifact.ColFloat)
	}
	for _, pop := range pops {
		for k, q := range pop.Particles {
			row := []string{artifact.I(pop.Generation), artifact.I(k), artifact.F(q.Weight), artifact.F(q.Distance)}
			for i := range d {
				row = append(row, artifact.F(value(i, q.Z[i])))
			}
			post.Add(row...)
		}
	}
	popt := &artifact.Table{Header: []string{"generation", "epsilon", "particles", "proposals", "simulations", "acceptance_rate", "ess"},
		Types: []artifact.ColType{artifact.ColInt, artifact.ColFloat, artifact.ColInt, artifact.ColInt, artifact.ColInt, artifact.ColFloat, artifact.ColFloat}}
	for _, pop := range pops {
		eps := ""
		if !math.IsInf(pop.Epsilon, 1) {
			eps = artifact.F(pop.Epsilon)
		}
		popt.Add(artifact.I(pop.Generation), eps, artifact.I(len(pop.Particles)), artifact.I(pop.Proposals), artifact.I(pop.Simulations),
			artifact.F(pop.Acceptance()), artifact.F(artifact.Tidy(pop.ESS)))
	}
	last := pops[len(pops)-1]
	res.Estimates = estimates(o.Spec.Priors, last, value, o.Truth)
	est := &artifact.Table{Header: []string{"parameter", "prior_from", "prior_to", "scale", "mean", "sd", "q025", "median", "q975", "ci95_width_of_prior", "truth", "truth_in_ci95"}}
	for _, e := range res.Estimates {
		scale, truth, inside := "linear", "", ""
		if e.Prior.Log {
			scale = "log"
		}
		if !math.IsNaN(e.Truth) {
			truth, inside = artifact.F(e.Truth), fmt.Sprint(e.TruthInside)
		}
		est.Add(e.Key, artifact.F(e.Prior.From), artifact.F(e.Prior.To), scale, artifact.F(artifact.Tidy(e.Mean)), artifact.F(artifact.Tidy(e.SD)),
			artifact.F(e.Q025), artifact.F(e.Median), artifact.F(e.Q975), artifact.F(artifact.Tidy(e.WidthOfPrior)), truth, inside)
	}
	files := []string{PosteriorFile, PosteriorParquetFile, PopulationsFile, EstimatesFile}
	for _, w := range []struct {
		t    *artifact.Table
		file string
	}{{post, PosteriorFile}, {popt, PopulationsFile}, {est, EstimatesFile}} {
		if err := w.t.Write(filepath.Join(o.Dir, w.file)); err != nil {
			return nil, err
		}
	}
	if err := post.WriteParquet(filepath.Join(o.Dir, PosteriorParquetFile), meta); err != nil {
		return nil, err
	}
	corner, err := drawCorner(o.Dir, sc, o.Provenance)
	return append(files, corner...), err
}

// drawCorner draws the corner plot of the last population in dir's
// posterior table, with the truth its estimates table records: from the
// tables, so that "culturesim plot" redraws it as the fit drew it.
func drawCorner(dir string, sc *scenarios.Scenario, prov artifact.Provenance) ([]string, error) {
	post, err := artifact.ReadTable(filepath.Join(dir, PosteriorFile))
	if err != nil {
		return nil, err
	}
	est, err := artifact.ReadTable(filepath.Join(dir, EstimatesFile))
	if err != nil {
		return nil, err
	}
	pops, err := artifact.ReadTable(filepath.Join(dir, PopulationsFile))
	if err != nil || len(pops.Rows) == 0 {
		return nil, fmt.Errorf("%s: no populations: %v", dir, err)
	}
	lastPop := len(pops.Rows) - 1
	gen, err := pops.Int(lastPop, "generation")
	if err != nil {
		return nil, err
	}
	eps, _ := pops.Float(lastPop, "epsilon")
	sims := 0
	for i := range pops.Rows {
		n, err := pops.Int(i, "simulations")
		if err != nil {
			return nil, err
		}
		sims += n
	}
	keys := post.Header[4:]
	var samples [][]float64
	var weights []float64
	for i := range post.Rows {
		if g, err := post.Int(i, "generation"); err != nil || g != gen {
			continue
		}
		w, err := post.Float(i, "weight")
		if err != nil {
			return nil, err
		}
		row := make([]float64, len(keys))
		for k, key := range keys {
			if row[k], err = post.Float(i, key); err != nil {
				return nil, err
			}
		}
		samples, weights = append(samples, row), append(weights, w)
	}
	truth := make([]float64, len(keys))
	known := false
	for k := range truth {
		truth[k] = math.NaN()
		if k < len(est.Rows) && est.Rows[k][est.Col("truth")] != "" {
			truth[k], _ = est.Float(k, "truth")
			known = true
		}
	}
	if !known {
		truth = nil
	}
	names := make([]string, len(keys))
	for k, key := range keys {
		names[k] = figures.Literal(key)
		if s, err := sc.NewSetter(0, []string{key}); err == nil {
			names[k] = figures.Literal(s.Axis(0).Label())
		}
	}
	title := fmt.Sprintf("%s: posterior of population %d (ε = %.3g, %d simulations)", figures.Literal(sc.Name), gen, eps, sims)
	fig, err := figures.Corner(names, samples, weights, truth, title, "culturesim fit "+figures.Literal(sc.Name))
	if err != nil {
		return nil, err
	}
	md := artifact.Metadata{{"Title", figures.Plain(title)}, {"Software", prov.Tool + " " + prov.Version}, {"Command", prov.Command}, {"Scenario", sc.Source}}
	written, err := fig.Save(filepath.Join(dir, CornerBase), md)
	var files []string
	for _, w := range written {
		files = append(files, filepath.Base(w))
	}
	return files, err
}

// Replot redraws a fit directory's corner plot from its tables.
func Replot(dir string) ([]string, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	sc, err := m.Scenario.Parse()
	if err != nil {
		return nil, err
	}
	return drawCorner(dir, sc, m.Provenance)
}

// estimates summarises the last population: weighted mean, standard
// deviation and quantiles of each parameter.
func estimates(ps []scenarios.Prior, pop Population, value func(int, float64) float64, truth map[string]float64) []Estimate {
	out := make([]Estimate, len(ps))
	for i, p := range ps {
		type xw struct{ x, w float64 }
		pts := make([]xw, len(pop.Particles))
		for k, q := range pop.Particles {
			pts[k] = xw{value(i, q.Z[i]), q.Weight}
		}
		x, w := make([]float64, len(pts)), make([]float64, len(pts))
		for k, pt := range pts {
			x[k], w[k] = pt.x, pt.w
		}
		// The weights are normalised importance weights (they sum to 1),
		// not counts: the variance is Σ w (x − mean)².
		mean, v := 0.0, 0.0
		for k := range x {
			mean += w[k] * x[k]
		}
		for k := range x {
			v += w[k] * (x[k] - mean) * (x[k] - mean)
		}
		q := func(p float64) float64 { return figures.WeightedQuantile(x, w, p) } // as the corner plot draws them
		e := Estimate{Key: p.Key, Prior: p, Mean: mean, SD: math.Sqrt(v), Truth: math.NaN(), Q025: q(0.025), Median: q(0.5), Q975: q(0.975)}
		e.WidthOfPrior = (e.Q975 - e.Q025) / (p.To - p.From)
		if t, ok := truth[p.Key]; ok {
			e.Truth, e.TruthInside = t, e.Q025 <= t && t <= e.Q975
		}
		out[i] = e
	}
	return out
}

// ReadManifest reads a fit directory's manifest.
func ReadManifest(dir string) (*Manifest, error) {
	var m Manifest
	if err := artifact.ReadManifest(dir, &m); err != nil {
		return nil, err
	}
	if m.Kind != KindFit {
		return nil, fmt.Errorf("%s holds a culturesim %s, not a fit", dir, m.Kind)
	}
	return &m, nil
}
