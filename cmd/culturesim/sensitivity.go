package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path/filepath"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/internal/sensitivity"
	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim/rng"
)

// sensitivityOptions are the flags of "culturesim sensitivity".
type sensitivityOptions struct {
	Dir       string
	Resamples int
	Conf      float64
	Outputs   string
	Quiet     bool
}

// Output files of "culturesim sensitivity".
const (
	SensitivityFile        = "sensitivity.csv"
	SensitivityParquetFile = "sensitivity.parquet"
	SensitivityBase        = "sensitivity" // sensitivity_OUTPUT.png and .svg
)

func cmdSensitivity(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := sensitivityOptions{}
	fs := newFlagSet("sensitivity", "DIR [--resamples N] [--confidence C] [--outputs COL,…] [--quiet]", stdout)
	fs.IntVar(&o.Resamples, "resamples", 1000, "bootstrap resamples for the confidence intervals")
	fs.Float64Var(&o.Conf, "confidence", 0.95, "confidence level of the intervals")
	fs.StringVar(&o.Outputs, "outputs", "", "summary columns to analyse (default: the mean final frequency of A, the fixation fractions and every platform's final frequency and acculturation time)")
	fs.BoolVar(&o.Quiet, "quiet", false, "no table on stdout")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("sensitivity: need exactly one sweep directory, got %d arguments", len(pos))
	}
	o.Dir = pos[0]
	switch {
	case o.Resamples < 0 || o.Resamples > 100_000:
		return usagef("sensitivity: --resamples = %d is outside its allowed range [0, 100000]", o.Resamples)
	case !(o.Conf > 0 && o.Conf < 1):
		return usagef("sensitivity: --confidence = %g is outside its allowed range (0, 1)", o.Conf)
	}
	return runSensitivity(ctx, o, stdout, stderr)
}

// defaultOutputs are the summary columns analysed without --outputs.
func defaultOutputs(sc *scenarios.Scenario) []string {
	out := []string{"mean_final_freq_a", "frac_fixed_a", "frac_fixed_b"}
	if !sc.Single() {
		for _, n := range sc.PlatformNames() {
			out = append(out, "mean_final_freq_a_"+n, "mean_acculturation_"+n)
		}
	}
	return out
}

func runSensitivity(ctx context.Context, o sensitivityOptions, stdout, stderr io.Writer) error {
	m, err := artifact.ReadRunsManifest(o.Dir)
	if err != nil {
		return usagef("sensitivity: %s is not a sweep directory: %v", o.Dir, err)
	}
	sc, err := m.ParseScenario()
	if err != nil {
		return usagef("sensitivity: %s: %v", o.Dir, err)
	}
	kind := sc.Design.Kind
	if kind != scenarios.DesignSaltelli && kind != scenarios.DesignMorris {
		return usagef("sensitivity: %s is a %s sweep; sensitivity indices need design = \"saltelli\" (Sobol indices) or design = \"morris\" (elementary effects) in its [sweep]", o.Dir, kind)
	}
	summary, err := artifact.ReadTable(filepath.Join(o.Dir, artifact.SummaryFile))
	if errors.Is(err, fs.ErrNotExist) {
		return usagef("sensitivity: %s has no %s: finish the sweep first (%d of %d runs done; culturesim sweep SCENARIO --out %s --resume, or merge its shards)", o.Dir, artifact.SummaryFile, m.DoneRuns, m.SelectedRuns, o.Dir)
	}
	if err != nil {
		return fmt.Errorf("sensitivity: %w", err)
	}
	if len(summary.Rows) != sc.NumPoints() {
		return usagef("sensitivity: %s has %d of the design's %d points; sensitivity indices need every point (run the whole sweep)", o.Dir, len(summary.Rows), sc.NumPoints())
	}
	outputs := defaultOutputs(sc)
	if o.Outputs != "" {
		outputs = strings.Split(o.Outputs, ",")
		for _, c := range outputs {
			if summary.Col(c) < 0 {
				return usagef("sensitivity: --outputs %s: %s has no such column (it has %s)", c, artifact.SummaryFile, strings.Join(summary.Header, ", "))
			}
		}
	}
	params := make([]string, len(sc.Axes))
	for k, a := range sc.Axes {
		params[k] = a.Key
	}
	var t *artifact.Table
	if kind == scenarios.DesignSaltelli {
		t = &artifact.Table{Header: []string{"output", "parameter", "s1", "s1_lo", "s1_hi", "st", "st_lo", "st_hi", "noise_share"}}
	} else {
		t = &artifact.Table{Header: []string{"output", "parameter", "mu_star", "mu_star_lo", "mu_star_hi", "mu", "sigma", "effects", "noise_share"}}
	}
	for range t.Header[2:] {
		t.Types = append(t.Types, artifact.ColFloat)
	}
	t.Types = append([]artifact.ColType{artifact.ColString, artifact.ColString}, t.Types...)
	if kind == scenarios.DesignMorris {
		t.Types[len(t.Types)-2] = artifact.ColInt
	}
	prov := artifact.NewProvenance(ctx)
	lock, err := artifact.LockDir(o.Dir, prov.Command)
	if err != nil {
		return err
	}
	defer lock.Release()
	var figs []figures.NamedFigure
	var skipped []string
	foot := "culturesim sensitivity " + figures.Literal(filepath.Base(o.Dir))
	for _, col := range outputs {
		y, ok, err := pointColumn(summary, col)
		if err != nil {
			return fmt.Errorf("sensitivity: %w", err)
		}
		if !ok {
			skipped = append(skipped, col)
			continue
		}
		noise := cell(noiseShare(summary, col, y))
		// Each output's bootstrap draws its own stream (by its column in
		// the summary), so that the intervals of one output do not depend
		// on which others are analysed.
		src := rng.New(rng.StreamSeed(sc.Seed, -3, summary.Col(col)))
		title := fmt.Sprintf("%s: sensitivity of %s", figures.Literal(sc.Name), figures.Literal(col))
		if kind == scenarios.DesignSaltelli {
			idx, err := sensitivity.Sobol(y, len(params), o.Resamples, o.Conf, src)
			if err != nil {
				return fmt.Errorf("sensitivity: %s: %w", col, err)
			}
			s1, st, s1lo, s1hi, stlo, sthi := make([]float64, len(idx)), make([]float64, len(idx)), make([]float64, len(idx)), make([]float64, len(idx)), make([]float64, len(idx)), make([]float64, len(idx))
			for k, ix := range idx {
				t.Add(col, params[k], cell(ix.S1), cell(ix.S1CI.Lo), cell(ix.S1CI.Hi), cell(ix.ST), cell(ix.STCI.Lo), cell(ix.STCI.Hi), noise)
				s1[k], st[k], s1lo[k], s1hi[k], stlo[k], sthi[k] = ix.S1, ix.ST, ix.S1CI.Lo, ix.S1CI.Hi, ix.STCI.Lo, ix.STCI.Hi
			}
			f, err := figures.SensitivityBars(figures.Literal(col), literalAll(params), s1, st, s1lo, s1hi, stlo, sthi, title, foot)
			if err != nil {
				return fmt.Errorf("sensitivity: %w", err)
			}
			figs = append(figs, figures.NamedFigure{Base: SensitivityBase + "_" + col, Title: title, Figure: f})
			continue
		}
		idx, err := sensitivity.Morris(sc.Design.Unit, y, len(params), o.Resamples, o.Conf, src)
		if err != nil {
			return fmt.Errorf("sensitivity: %s: %w", col, err)
		}
		mu, sd := make([]float64, len(idx)), make([]float64, len(idx))
		for k, ix := range idx {
			t.Add(col, params[k], cell(ix.MuStar), cell(ix.MuStarCI.Lo), cell(ix.MuStarCI.Hi), cell(ix.Mu), cell(ix.Sigma), artifact.I(ix.N), noise)
			mu[k], sd[k] = ix.MuStar, ix.Sigma
		}
		f, err := figures.MorrisPlot(literalAll(params), mu, sd, title, foot)
		if err != nil {
			return fmt.Errorf("sensitivity: %w", err)
		}
		figs = append(figs, figures.NamedFigure{Base: SensitivityBase + "_" + col, Title: title, Figure: f})
	}
	if len(t.Rows) == 0 {
		return usagef("sensitivity: no output of %s has a value at every point (%s)", o.Dir, strings.Join(skipped, ", "))
	}
	files := []string{SensitivityFile, SensitivityParquetFile}
	if err := t.Write(filepath.Join(o.Dir, SensitivityFile)); err != nil {
		return fmt.Errorf("sensitivity: %w", err)
	}
	meta := artifact.ParquetMeta{Provenance: prov, Scenario: artifact.ScenarioOf(sc), SeedDerivation: "the bootstrap of an output draws from rng.StreamSeed(seed, −3, its column's index in summary.csv)"}
	if err := t.WriteParquet(filepath.Join(o.Dir, SensitivityParquetFile), meta); err != nil {
		return fmt.Errorf("sensitivity: %w", err)
	}
	for _, f := range figs {
		md := artifact.Metadata{{"Title", figures.Plain(f.Title)}, {"Software", prov.Tool + " " + prov.Version}, {"Command", prov.Command}, {"Scenario", sc.Source}}
		written, err := f.Figure.Save(filepath.Join(o.Dir, f.Base), md)
		for _, w := range written {
			files = append(files, filepath.Base(w))
		}
		if err != nil {
			return fmt.Errorf("sensitivity: %w", err)
		}
	}
	if err := execute.RecordFiles(o.Dir, files); err != nil {
		return fmt.Errorf("sensitivity: %w", err)
	}
	if len(skipped) > 0 {
		fmt.Fprintf(stderr, "culturesim: sensitivity: skipped %s: not defined at every point (e.g. no run acculturated)\n", strings.Join(skipped, ", "))
	}
	if !o.Quiet {
		fmt.Fprint(stdout, sensitivityReport(t))
		fmt.Fprintf(stdout, "→ %s: %s\n", o.Dir, strings.Join(files, ", "))
	}
	return nil
}

// noiseShare is the share of an output's variance over the design that
// is the noise of its replicates: the mean over points of the variance
// of a point's mean (sd²/runs), over the variance of the points' means.
// A parameter the output does not depend on still has a total index of
// about this much (its runs draw other random numbers), and no first
// order index. NaN without replicates or a standard-deviation column
// (mean_X has its sd_X).
func noiseShare(t *artifact.Table, col string, y []float64) float64 {
	sdCol := "sd_" + strings.TrimPrefix(col, "mean_")
	if !strings.HasPrefix(col, "mean_") || t.Col(sdCol) < 0 || t.Col("runs") < 0 {
		return math.NaN()
	}
	noise := 0.0
	for i := range t.Rows {
		sd, err1 := t.Float(i, sdCol)
		runs, err2 := t.Int(i, "runs")
		if err1 != nil || err2 != nil || runs < 2 || math.IsNaN(sd) {
			return math.NaN()
		}
		noise += sd * sd / float64(runs)
	}
	noise /= float64(len(t.Rows))
	mean, v := 0.0, 0.0
	for _, x := range y {
		mean += x
	}
	mean /= float64(len(y))
	for _, x := range y {
		v += (x - mean) * (x - mean)
	}
	v /= float64(len(y))
	if v == 0 {
		return math.NaN()
	}
	return noise / v
}

// pointColumn reads a summary column in point order; ok is false when a
// point has no value (NaN or empty).
func pointColumn(t *artifact.Table, col string) ([]float64, bool, error) {
	y := make([]float64, len(t.Rows))
	for i := range t.Rows {
		p, err := t.Int(i, "point")
		if err != nil {
			return nil, false, err
		}
		if p < 0 || p >= len(y) {
			return nil, false, fmt.Errorf("%s: point %d out of range", artifact.SummaryFile, p)
		}
		j := t.Col(col)
		if j < 0 || t.Rows[i][j] == "" {
			return nil, false, nil
		}
		x, err := t.Float(i, col)
		if err != nil {
			return nil, false, err
		}
		if math.IsNaN(x) {
			return nil, false, nil
		}
		y[p] = x
	}
	return y, true, nil
}

func cell(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return artifact.F(artifact.Tidy(x))
}

func literalAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = figures.Literal(x)
	}
	return out
}

// sensitivityReport prints the table aligned.
func sensitivityReport(t *artifact.Table) string {
	var b strings.Builder
	widths := make([]int, len(t.Header))
	for i, h := range t.Header {
		widths[i] = len(h)
	}
	for _, r := range t.Rows {
		for i, c := range r {
			widths[i] = max(widths[i], len(c))
		}
	}
	line := func(cells []string) {
		for i, c := range cells {
			fmt.Fprintf(&b, "%-*s  ", widths[i], c)
		}
		b.WriteString("\n")
	}
	line(t.Header)
	for _, r := range t.Rows {
		line(r)
	}
	return b.String()
}
