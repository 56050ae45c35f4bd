package scenarios

import (
	"fmt"
	"slices"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim"
)

// FitSpec is a scenario's [fit] table: what "culturesim fit" estimates
// (the priors) and how (the ABC-SMC settings). The command line may
// override the settings.
type FitSpec struct {
	Priors []Prior `json:"priors"`

	Particles      int      `json:"particles"`       // particles per population
	Generations    int      `json:"generations"`     // at most this many populations after the prior's
	Quantile       float64  `json:"quantile"`        // each tolerance is this quantile of the last population's distances
	MinAcceptance  float64  `json:"min_acceptance"`  // stop when a population accepts fewer of its proposals
	MaxSimulations int      `json:"max_simulations"` // stop before a population would exceed this many simulations in all
	Distance       string   `json:"distance"`        // "euclidean", "manhattan" or "max"
	Stats          []string `json:"stats"`           // observed columns compared: "freq_a" and optionally "size"
}

// Prior is a uniform prior on one sweep key: on [From, To], or on
// [log From, log To] with Log.
type Prior struct {
	Key  string  `json:"key"`
	From float64 `json:"from"`
	To   float64 `json:"to"`
	Log  bool    `json:"log,omitempty"`
	Line int     `json:"-"`
}

// Fit defaults and choices.
const (
	DefaultFitParticles   = 200
	DefaultFitGenerations = 8
	DefaultFitQuantile    = 0.5
	DefaultMinAcceptance  = 0.01
)

// FitDistances are the distances a fit may use.
var FitDistances = []string{"euclidean", "manhattan", "max"}

// FitStats are the observed columns a fit may compare.
var FitStats = []string{"freq_a", "size"}

// fitKeys are the keys of [fit].
var fitKeys = []string{"prior", "particles", "generations", "quantile", "min_acceptance", "max_simulations", "distance", "stats"}

// DefaultFit is the fit of a scenario without [fit] settings.
func DefaultFit() FitSpec {
	return FitSpec{Particles: DefaultFitParticles, Generations: DefaultFitGenerations, Quantile: DefaultFitQuantile,
		MinAcceptance: DefaultMinAcceptance, MaxSimulations: 1_000_000, Distance: "euclidean", Stats: []string{"freq_a"}}
}

// fit decodes [fit], if present: each prior's key is checked as a sweep
// key is (it must be one a sweep could set), its range against the
// setting's domain.
func (p *parser) fit(raw map[string]any, sc *Scenario) {
	if raw == nil {
		return
	}
	p.known("fit", raw, fitKeys)
	f := DefaultFit()
	f.Particles = int(p.intIn("fit.particles", raw, int64(f.Particles), 10, 100_000, ""))
	f.Generations = int(p.intIn("fit.generations", raw, int64(f.Generations), 1, 100, ""))
	f.MaxSimulations = int(p.intIn("fit.max_simulations", raw, int64(f.MaxSimulations), 1, MaxRuns, ""))
	if q, ok := p.float("fit.quantile", raw); ok {
		if q <= 0 || q >= 1 {
			p.fail("fit.quantile", "%s is outside its allowed range (0, 1)", model.FormatFloat(q))
		} else {
			f.Quantile = q
		}
	}
	if a, ok := p.float("fit.min_acceptance", raw); ok {
		if a < 0 || a >= 1 {
			p.fail("fit.min_acceptance", "%s is outside its allowed range [0, 1)", model.FormatFloat(a))
		} else {
			f.MinAcceptance = a
		}
	}
	if _, ok := raw["distance"]; ok {
		f.Distance = FitDistances[p.choice("fit.distance", raw, FitDistances...)]
	}
	if v, ok := raw["stats"]; ok {
		list, isList := v.([]any)
		f.Stats = nil
		for _, e := range list {
			s, isStr := e.(string)
			if !isStr || !slices.Contains(FitStats, s) {
				p.fail("fit.stats", "%s is not a statistic; stats lists %s", model.FormatValue(e), model.QuoteList(FitStats, "and"))
				continue
			}
			if !slices.Contains(f.Stats, s) {
				f.Stats = append(f.Stats, s)
			}
		}
		if !isList || len(list) == 0 {
			p.fail("fit.stats", "must be a list of statistics, from %s", model.QuoteList(FitStats, "and"))
		}
	}
	priors := flattenSweep("", p.table("fit.prior", raw))
	keys := p.inFileOrder("fit.prior", priors)
	for _, k := range keys {
		key := "fit.prior." + k
		a, s, msg := p.axisTarget(sc, k)
		if msg != "" {
			p.fail(key, "%s", msg)
			continue
		}
		if s.Type == sim.Choice {
			p.fail(key, "%s is a choice; a prior is a range of numbers", a.Key)
			continue
		}
		m, isMap := priors[k].(map[string]any)
		if !isMap {
			p.fail(key, "a prior is a range {from, to} (optionally scale = \"log\"), not %s", tomlType(priors[k]))
			continue
		}
		bad := false
		for mk := range m {
			if mk != "from" && mk != "to" && mk != "scale" {
				p.fail(key+"."+mk, "unknown prior key; a prior has from, to and optionally scale")
				bad = true
			}
		}
		from, to, log, ok := p.rangeEnds(key, s, m)
		if bad || !ok {
			continue
		}
		if from >= to {
			p.fail(key, "from = %s is not below to = %s", model.FormatFloat(from), model.FormatFloat(to))
			continue
		}
		f.Priors = append(f.Priors, Prior{Key: k, From: from, To: to, Log: log, Line: p.keys.line(key)})
	}
	sc.Fit = &f
}

// Describe renders a prior: "platform.xiaohongshu.alpha ~ U(0.2, 0.9)".
func (pr Prior) Describe() string {
	if pr.Log {
		return fmt.Sprintf("%s ~ logU(%s, %s)", pr.Key, model.FormatFloat(pr.From), model.FormatFloat(pr.To))
	}
	return fmt.Sprintf("%s ~ U(%s, %s)", pr.Key, model.FormatFloat(pr.From), model.FormatFloat(pr.To))
}
