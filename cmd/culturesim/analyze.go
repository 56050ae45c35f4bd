package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/model"
)

// analyzeOptions are the flags of "culturesim analyze": one per primary
// model parameter (model.Parameters), all required.
type analyzeOptions struct {
	Params [model.PrimaryParameters]floatFlag
	JSON   bool
	// Finite, when not 0, adds the finite population of that many agents:
	// the exact chain up to model.FiniteMax (or with Diffusion), the
	// diffusion approximation above.
	Finite    countFlag
	Diffusion bool
}

func (o *analyzeOptions) params() model.Params {
	var p model.Params
	for i, pa := range model.Parameters[:model.PrimaryParameters] {
		_ = p.Set(pa.Key, o.Params[i].v)
	}
	return p
}

// validate reports missing flags, then parameters outside their domains,
// naming the flag, the value and the allowed range.
func (o *analyzeOptions) validate() error {
	var missing, all []string
	for i, pa := range model.Parameters[:model.PrimaryParameters] {
		all = append(all, "--"+pa.Key)
		if !o.Params[i].set {
			missing = append(missing, "--"+pa.Key)
		}
	}
	if len(missing) > 0 {
		return usagef("analyze: missing required flag(s) %s (all of %s are required)", strings.Join(missing, ", "), strings.Join(all, " "))
	}
	if err := o.params().Validate(); err != nil {
		return usageError{paramFlagErrors("analyze", err)}
	}
	switch {
	case !o.Finite.set && o.Diffusion:
		return usagef("analyze: --diffusion needs --finite N (the population size)")
	case o.Finite.set && (o.Finite.v < 2 || o.Finite.v > model.DiffusionMaxN):
		return usagef("analyze: --finite = %d is outside its allowed range: the population size is %s (exact up to %d, a diffusion approximation above)", o.Finite.v, finiteDomain, model.FiniteMax)
	}
	return nil
}

// paramFlagErrors rewrites model parameter errors in terms of flags.
func paramFlagErrors(cmd string, err error) error {
	var lines []string
	for _, e := range model.Unjoin(err) {
		var fe *model.FieldError
		if errors.As(e, &fe) {
			c := *fe
			c.Path = "--" + c.Path
			lines = append(lines, c.Error())
		} else {
			lines = append(lines, e.Error())
		}
	}
	return fmt.Errorf("%s: %s", cmd, strings.Join(lines, "; "))
}

// finiteDomain is the allowed range of --finite.
var finiteDomain = fmt.Sprintf("a whole number in [2, %d]", model.DiffusionMaxN)

func cmdAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := analyzeOptions{Finite: countFlag{domain: finiteDomain}}
	var synopsis []string
	for _, pa := range model.Parameters[:model.PrimaryParameters] {
		synopsis = append(synopsis, "--"+pa.Key+" "+strings.ToUpper(pa.Key))
	}
	fs := newFlagSet("analyze", strings.Join(synopsis, " ")+" [--finite N [--diffusion]] [--json]", stdout)
	for i, pa := range model.Parameters[:model.PrimaryParameters] {
		fs.Var(&o.Params[i], pa.Key, fmt.Sprintf("%s %s, in %s [required]", pa.Name, pa.Symbol, pa.Domain))
	}
	fs.BoolVar(&o.JSON, "json", false, "print one JSON object instead of a report")
	fs.Var(&o.Finite, "finite", fmt.Sprintf("also analyse a well-mixed population of N agents, N %s: fixation probabilities from every start, ρ_A against the neutral 1/N, mean absorption times and the quasi-stationary distribution, from the exact Markov chain for N ≤ %d and a diffusion approximation above", finiteDomain, model.FiniteMax))
	fs.BoolVar(&o.Diffusion, "diffusion", false, "with --finite: use the diffusion approximation even where the exact chain is available (to compare them)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("analyze: unexpected argument %q (parameters are flags, e.g. --b 1.2)", pos[0])
	}
	if err := o.validate(); err != nil {
		return err
	}
	return runAnalyze(ctx, o, stdout, stderr)
}

func runAnalyze(ctx context.Context, o analyzeOptions, stdout, stderr io.Writer) error {
	a, err := model.Analyze(o.params())
	if err != nil {
		return usageError{err}
	}
	var fin *finiteJSON
	if o.Finite.set {
		if fin, err = finiteAnalysis(o.params(), o.Finite.v, o.Diffusion); err != nil {
			return err
		}
	}
	if o.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		out := analysisJSON(a)
		out.Finite = fin
		return enc.Encode(out)
	}
	report := analysisReport(a)
	if fin != nil {
		report += finiteReport(fin)
	}
	_, err = io.WriteString(stdout, report)
	return err
}

// finiteJSON is the finite population's analysis (analyze --finite).
type finiteJSON struct {
	N      int    `json:"n"`
	Method string `json:"method"` // "exact" or "diffusion"
	Note   string `json:"note"`
	// Per start k = 0…N (exact) or at the frequencies of Frequencies
	// (diffusion).
	Starts          []int      `json:"starts,omitempty"`
	Frequencies     []float64  `json:"frequencies,omitempty"`
	Fixation        []*float64 `json:"fixation"`   // A fixes
	FixationB       []*float64 `json:"fixation_b"` // B fixes
	AbsorptionTime  []*float64 `json:"absorption_time"`
	QuasiStationary []float64  `json:"quasi_stationary,omitempty"`
	RhoA            float64    `json:"rho_a"`
	RhoB            float64    `json:"rho_b"`
	Neutral         float64    `json:"neutral"`
	RhoANeutral     float64    `json:"rho_a_times_n"`
	RhoBNeutral     float64    `json:"rho_b_times_n"`
	// SelectionOnA, SelectionOnB: "favoured", "opposed" or "neutral" (ρ·N
	// within neutralTolerance of 1).
	SelectionOnA string `json:"selection_on_a"`
	SelectionOnB string `json:"selection_on_b"`
	// Exact only.
	Persistence             *float64 `json:"persistence,omitempty"`
	MeanQuasiStationaryTime *float64 `json:"mean_quasi_stationary_time,omitempty"`
	Condition               *float64 `json:"condition,omitempty"`
}

// diffusionFrequencies are where the diffusion approximation is reported.
var diffusionFrequencies = []float64{0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95}

func finiteAnalysis(p model.Params, n int, forceDiffusion bool) (*finiteJSON, error) {
	out := &finiteJSON{N: n, Neutral: 1 / float64(n)}
	if n <= model.FiniteMax && !forceDiffusion {
		c, err := model.NewFiniteChain(p, n)
		if err != nil {
			return nil, usageError{paramFlagErrors("analyze", err)}
		}
		a, err := c.Analyze()
		if err != nil {
			return nil, err
		}
		out.Method = "exact"
		out.Note = fmt.Sprintf("the exact Markov chain of the number of A juveniles (%d×%d transition matrix)", n+1, n+1)
		for k := 0; k <= n; k++ {
			out.Starts = append(out.Starts, k)
			out.Fixation = append(out.Fixation, num(a.Fixation[k]))
			out.FixationB = append(out.FixationB, num(a.FixationB[k]))
			out.AbsorptionTime = append(out.AbsorptionTime, num(a.AbsorptionTime[k]))
		}
		out.QuasiStationary = a.QuasiStationary
		out.RhoA, out.RhoB = a.RhoA, a.RhoB
		out.Persistence, out.MeanQuasiStationaryTime, out.Condition = num(a.Persistence), num(a.MeanQuasiStationaryTime), num(a.Condition)
		if a.Condition > 1e12 {
			out.Note += fmt.Sprintf("; ill-conditioned (condition number %.3g): fixation takes so long that the solutions have lost digits", a.Condition)
		}
	} else {
		d, err := model.NewDiffusion(p, n, false)
		if err != nil {
			return nil, usageError{paramFlagErrors("analyze", err)}
		}
		out.Method = "diffusion"
		out.Note = "an approximation: the diffusion whose drift is the recursion with the finite population's pairing and whose variance is one generation's sampling variance (model.Diffusion)"
		if sel := math.Max(math.Abs(p.Beta1()), math.Abs(p.Beta3())); sel > diffusionWeakSelection {
			out.Note += fmt.Sprintf("; selection is strong here (max(|β1|, |β3|) = %.3g, above %g), where the diffusion can be off by 10%% or more (by a factor 2 for Figure 3d's orange parameters at N = 100): the exact chain, for N ≤ %d, is the reference", sel, diffusionWeakSelection, model.FiniteMax)
		}
		freqs := diffusionFrequencies
		if n <= model.FiniteMax {
			// The frequencies the population can have, row for row with
			// the exact chain's starts.
			freqs = nil
			for k := 1; k < n; k++ {
				freqs = append(freqs, float64(k)/float64(n))
			}
		}
		overflow := false
		for _, x := range freqs {
			out.Frequencies = append(out.Frequencies, x)
			out.Fixation = append(out.Fixation, num(d.Fixation(x)))
			out.FixationB = append(out.FixationB, num(d.FixationB(x)))
			t := d.AbsorptionTime(x)
			overflow = overflow || math.IsInf(t, 1)
			out.AbsorptionTime = append(out.AbsorptionTime, num(t))
		}
		if overflow {
			out.Note += "; absorption times beyond the largest float64 (1.8e308 generations: fixation is never seen) are null"
		}
		out.RhoA, out.RhoB = d.RhoA(), d.RhoB()
	}
	out.RhoANeutral, out.RhoBNeutral = out.RhoA*float64(n), out.RhoB*float64(n)
	out.SelectionOnA, out.SelectionOnB = selection(out.RhoANeutral), selection(out.RhoBNeutral)
	return out, nil
}

// diffusionWeakSelection is the largest |β| for which the diffusion is
// held within 1% of the exact chain's fixation probabilities at N = 60
// (model.TestDiffusionAgreesWithExactChain, on model.FiniteRegions, whose
// |β| ≤ 0.04); model.TestDiffusionUnderStrongSelection measures the
// factor 2 the note quotes.
const diffusionWeakSelection = 0.05

// neutralTolerance is how close to 1 a fixation probability times N is
// called neutral: rounding, not selection.
const neutralTolerance = 1e-9

// selection says how a fixation probability times N compares with the
// neutral 1, to within neutralTolerance.
func selection(rhoN float64) string {
	switch {
	case math.Abs(rhoN-1) <= neutralTolerance:
		return "neutral"
	case rhoN > 1:
		return "favoured"
	}
	return "opposed"
}

func finiteReport(f *finiteJSON) string {
	var b strings.Builder
	what := "exact"
	if f.Method == "diffusion" {
		what = "diffusion approximation"
	}
	fmt.Fprintf(&b, "\nFinite well-mixed population of N = %d (%s):\n  %s\n", f.N, what, f.Note)
	verdict := map[string]string{"favoured": "favoured by selection", "opposed": "opposed by selection", "neutral": "neutral"}
	fmt.Fprintf(&b, "  ρ_A = %s (one cooperator fixes); ρ_A·N = %s against 1 if neutral: %s\n", fmtNum(f.RhoA), fmtNum(f.RhoANeutral), verdict[f.SelectionOnA])
	fmt.Fprintf(&b, "  ρ_B = %s (one defector fixes);  ρ_B·N = %s: %s\n", fmtNum(f.RhoB), fmtNum(f.RhoBNeutral), verdict[f.SelectionOnB])
	if f.Persistence != nil {
		fmt.Fprintf(&b, "  quasi-stationary: not fixing %s per generation, mean time to fixation from it %s generations\n", fmtNum(*f.Persistence), fmtNum(*f.MeanQuasiStationaryTime))
	}
	if f.Method == "exact" {
		fmt.Fprintf(&b, "  %5s  %-12s %-12s %-16s %s\n", "k", "P(A fixes)", "P(B fixes)", "mean generations", "quasi-stationary")
		for i, k := range f.Starts {
			fmt.Fprintf(&b, "  %5d  %-12s %-12s %-16s %s\n", k, fmtPtr(f.Fixation[i]), fmtPtr(f.FixationB[i]), fmtPtr(f.AbsorptionTime[i]), fmtNum(f.QuasiStationary[i]))
		}
	} else {
		fmt.Fprintf(&b, "  %9s  %-12s %-12s %s\n", "start p̂", "P(A fixes)", "P(B fixes)", "mean generations")
		for i, x := range f.Frequencies {
			t := "> 1.8e308"
			if f.AbsorptionTime[i] != nil {
				t = fmtNum(*f.AbsorptionTime[i])
			}
			fmt.Fprintf(&b, "  %9s  %-12s %-12s %s\n", fmtNum(x), fmtPtr(f.Fixation[i]), fmtPtr(f.FixationB[i]), t)
		}
	}
	return b.String()
}

func fmtPtr(x *float64) string {
	if x == nil {
		return "undefined"
	}
	return fmtNum(*x)
}

// num is a JSON number: null for NaN and ±Inf, never −0.
var num = artifact.JSONNumber

type equilibriumJSON struct {
	P         float64 `json:"p"`
	Stable    bool    `json:"stable"`
	Stability string  `json:"stability"`
	Slope     float64 `json:"slope"`
}

// paramsJSON writes the model parameters as a JSON object in the order of
// model.Parameters.
type paramsJSON model.Params

func (p paramsJSON) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, pa := range model.Parameters[:model.PrimaryParameters] {
		if i > 0 {
			b.WriteByte(',')
		}
		x, _ := model.Params(p).Get(pa.Key)
		v, err := json.Marshal(x)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%q:%s", pa.Key, v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

type analysisOut struct {
	Params             paramsJSON        `json:"params"`
	Outcome            string            `json:"outcome"`
	Boundary           *string           `json:"boundary"`
	Description        string            `json:"description"`
	Invades            bool              `json:"invades"`
	PStar              *float64          `json:"pstar"`
	MeanFitnessAtPStar *float64          `json:"mean_fitness_at_pstar"`
	Equilibria         []equilibriumJSON `json:"equilibria"`
	Beta1              float64           `json:"beta1"`
	Beta2              float64           `json:"beta2"`
	Beta3              float64           `json:"beta3"`
	Gamma1             *float64          `json:"gamma1"`
	Gamma2             *float64          `json:"gamma2"`
	VHat               *float64          `json:"vhat"`
	A1                 *float64          `json:"a1"`
	A2                 *float64          `json:"a2"`
	CriticalCostEqualT *float64          `json:"critical_cost_equal_t"`
	Finite             *finiteJSON       `json:"finite,omitempty"`
}

func analysisJSON(a model.Analysis) analysisOut {
	var out analysisOut
	out.Params = paramsJSON(a.Params)
	out.Outcome = a.Outcome.String()
	if a.Boundary != model.NotOnBoundary {
		s := a.Boundary.String()
		out.Boundary = &s
	}
	out.Description = a.Outcome.Description()
	out.Invades = a.Invades
	out.PStar = num(a.PStar)
	out.MeanFitnessAtPStar = num(a.WBarStar)
	out.Equilibria = []equilibriumJSON{}
	for _, e := range a.Equilibria {
		out.Equilibria = append(out.Equilibria, equilibriumJSON{P: e.P, Stable: e.Stability == model.Stable, Stability: e.Stability.String(), Slope: e.Slope})
	}
	out.Beta1, out.Beta2, out.Beta3 = a.Beta1+0, a.Beta2+0, a.Beta3+0 // no −0
	out.Gamma1, out.Gamma2, out.VHat, out.A1, out.A2 = num(a.Gamma1), num(a.Gamma2), num(a.VHat), num(a.A1), num(a.A2)
	out.CriticalCostEqualT = num(a.CriticalCostEqualT)
	return out
}

// fmtNum prints x to 6 significant digits; −0 (a product that
// vanished) prints as 0.
func fmtNum(x float64) string {
	if math.IsNaN(x) {
		return "undefined"
	}
	return fmt.Sprintf("%.6g", x+0)
}

func analysisReport(a model.Analysis) string {
	p := a.Params
	var b strings.Builder
	fmt.Fprintf(&b, "Parameters: %s\n\n", p.Describe())
	fmt.Fprintf(&b, "Outcome: %s — %s\n", a.Outcome, a.Outcome.Description())
	if a.Boundary != model.NotOnBoundary {
		fmt.Fprintf(&b, "  (on the boundary %s: linear stability does not decide)\n", a.Boundary)
	}
	yes := map[bool]string{true: "yes", false: "no"}
	fmt.Fprintf(&b, "Cooperation invades when rare: %s (β3 %s 0)\n\n", yes[a.Invades], map[bool]string{true: ">", false: "≤"}[a.Invades])
	fmt.Fprintln(&b, "Equilibria of p̂, the frequency of A among juveniles:")
	for _, e := range a.Equilibria {
		fmt.Fprintf(&b, "  p̂ = %-10s %-9s (dp̂'/dp̂ = %s)\n", fmtNum(e.P), e.Stability, fmtNum(e.Slope))
	}
	if !math.IsNaN(a.PStar) {
		fmt.Fprintf(&b, "  mean fitness at p̂*: w̄* = 1 + p̂*(b − c) = %s\n", fmtNum(a.WBarStar))
	}
	fmt.Fprintln(&b, "\nf(p̂) = w̄(p̂' − p̂) = β1 p̂³ + β2 p̂² + β3 p̂ = p̂(p̂ − 1)(β1 p̂ − β3):")
	fmt.Fprintf(&b, "  β1 = %s\n  β2 = %s\n  β3 = %s\n", fmtNum(a.Beta1), fmtNum(a.Beta2), fmtNum(a.Beta3))
	fmt.Fprintln(&b, "\nThresholds (boundaries of the regions; the outcome above comes from the β signs):")
	fmt.Fprintf(&b, "  γ1 = %-12s cost c at which β3 = 0\n", fmtNum(a.Gamma1))
	fmt.Fprintf(&b, "  γ2 = %-12s cost c at which β3 = β1\n", fmtNum(a.Gamma2))
	fmt.Fprintf(&b, "  v̂  = %-12s (T_B − T_A)/(1 − T_A)\n", fmtNum(a.VHat))
	fmt.Fprintf(&b, "  a1 = %-12s association α at which β3 = β1\n", fmtNum(a.A1))
	fmt.Fprintf(&b, "  a2 = %-12s association α at which β3 = 0\n", fmtNum(a.A2))
	if !math.IsNaN(a.CriticalCostEqualT) {
		fmt.Fprintf(&b, "  T_A = T_B: cooperation fixes iff c < bαT/(1 − T) = %s (v > 0)\n", fmtNum(a.CriticalCostEqualT))
	}
	return b.String()
}
