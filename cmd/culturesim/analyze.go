package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/culturesim/culturesim/model"
)

// analyzeOptions are the flags of "culturesim analyze": one per primary
// model parameter (model.Parameters), all required.
type analyzeOptions struct {
	Params [model.PrimaryParameters]floatFlag
	JSON   bool
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

func cmdAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o analyzeOptions
	var synopsis []string
	for _, pa := range model.Parameters[:model.PrimaryParameters] {
		synopsis = append(synopsis, "--"+pa.Key+" "+strings.ToUpper(pa.Key))
	}
	fs := newFlagSet("analyze", strings.Join(synopsis, " ")+" [--json]", stdout)
	for i, pa := range model.Parameters[:model.PrimaryParameters] {
		fs.Var(&o.Params[i], pa.Key, fmt.Sprintf("%s %s, in %s [required]", pa.Name, pa.Symbol, pa.Domain))
	}
	fs.BoolVar(&o.JSON, "json", false, "print one JSON object instead of a report")
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
	if o.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(analysisJSON(a))
	}
	_, err = io.WriteString(stdout, analysisReport(a))
	return err
}

// num is a JSON number that is null for NaN.
func num(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

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
	out.Beta1, out.Beta2, out.Beta3 = a.Beta1, a.Beta2, a.Beta3
	out.Gamma1, out.Gamma2, out.VHat, out.A1, out.A2 = num(a.Gamma1), num(a.Gamma2), num(a.VHat), num(a.A1), num(a.A2)
	out.CriticalCostEqualT = num(a.CriticalCostEqualT)
	return out
}

func fmtNum(x float64) string {
	if math.IsNaN(x) {
		return "undefined"
	}
	return fmt.Sprintf("%.6g", x)
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
		fmt.Fprintf(&b, "  p̂ = %-10s %-9s (dp̂'/dp̂ = %.6g)\n", fmt.Sprintf("%.6g", e.P), e.Stability, e.Slope)
	}
	if !math.IsNaN(a.PStar) {
		fmt.Fprintf(&b, "  mean fitness at p̂*: w̄* = 1 + p̂*(b − c) = %.6g\n", a.WBarStar)
	}
	fmt.Fprintln(&b, "\nf(p̂) = w̄(p̂' − p̂) = β1 p̂³ + β2 p̂² + β3 p̂ = p̂(p̂ − 1)(β1 p̂ − β3):")
	fmt.Fprintf(&b, "  β1 = %.6g\n  β2 = %.6g\n  β3 = %.6g\n", a.Beta1, a.Beta2, a.Beta3)
	fmt.Fprintln(&b, "\nThresholds (boundaries of the regions; the outcome above comes from the β signs):")
	fmt.Fprintf(&b, "  γ1 = %-12s cost c at which β3 = 0\n", fmtNum(a.Gamma1))
	fmt.Fprintf(&b, "  γ2 = %-12s cost c at which β3 = β1\n", fmtNum(a.Gamma2))
	fmt.Fprintf(&b, "  v̂  = %-12s (T_B − T_A)/(1 − T_A)\n", fmtNum(a.VHat))
	fmt.Fprintf(&b, "  a1 = %-12s association α at which β3 = β1\n", fmtNum(a.A1))
	fmt.Fprintf(&b, "  a2 = %-12s association α at which β3 = 0\n", fmtNum(a.A2))
	if !math.IsNaN(a.CriticalCostEqualT) {
		fmt.Fprintf(&b, "  T_A = T_B: cooperation fixes iff c < bαT/(1 − T) = %.6g (v > 0)\n", a.CriticalCostEqualT)
	}
	return b.String()
}
