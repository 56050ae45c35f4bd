package sim

import "github.com/culturesim/culturesim/sim/rng"

// StepAgents exposes stepAgents (a generation agent by agent, offspring
// included, as on a platform migration can reach) to the package's
// external tests.
func (w *WellMixed) StepAgents(r *rng.Xoshiro) GenStats { return w.stepAgents(r) }
