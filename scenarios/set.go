package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim"
)

// Setter assigns values to a fixed list of sweep keys on top of one
// point of a scenario: the parameters a fit draws, or the "set" of an
// eval request. The keys are checked once, as [sweep] checks its keys;
// each World call checks the values as a sweep checks its points.
type Setter struct {
	sc       *Scenario
	base     []axisSet // the point's own axes, less those a key replaces
	axes     []Axis
	settings []sim.Setting
}

// SetError is a key or value a Setter refuses.
type SetError struct {
	Key string
	Msg string
}

func (e *SetError) Error() string { return e.Key + ": " + e.Msg }

// NewSetter returns a Setter for keys (sweep keys: "c",
// "platform.xiaohongshu.alpha", "event.1.fraction") over point of sc. A
// key that is one of the scenario's own sweep axes replaces it.
func (sc *Scenario) NewSetter(point int, keys []string) (*Setter, error) {
	if point < 0 || point >= sc.NumPoints() {
		return nil, &SetError{Key: "point", Msg: fmt.Sprintf("%d: the scenario has points 0 to %d", point, sc.NumPoints()-1)}
	}
	p := &parser{file: sc.File, keys: scanKeys(sc.Source), swept: map[string]bool{}}
	for _, k := range keys {
		p.swept[k] = true
	}
	s := &Setter{sc: sc}
	setBy := map[string]string{}
	for _, k := range keys {
		a, st, msg := p.axisTarget(sc, k)
		if msg != "" {
			return nil, &SetError{Key: k, Msg: msg}
		}
		for _, w := range a.writes() {
			if prev, dup := setBy[w]; dup {
				return nil, &SetError{Key: k, Msg: fmt.Sprintf("sets %s, which %s already sets; keep one of them", w[strings.IndexByte(w, ':')+1:], prev)}
			}
			setBy[w] = k
		}
		a.Type = st.Type
		s.axes = append(s.axes, a)
		s.settings = append(s.settings, st)
	}
	for i, as := range sc.axisSets(sc.PointValues(point)) {
		if !slices.ContainsFunc(s.axes, func(a Axis) bool { return a.Key == sc.Axes[i].Key }) {
			s.base = append(s.base, as)
		}
	}
	return s, nil
}

// Keys are the keys the Setter assigns, in order.
func (s *Setter) Keys() []string {
	out := make([]string, len(s.axes))
	for i, a := range s.axes {
		out[i] = a.Key
	}
	return out
}

// Axis is key i's target (its label, type and platform).
func (s *Setter) Axis(i int) Axis { return s.axes[i] }

// Parse checks value x (a number, or a choice's name) for key i against
// its setting's type and domain.
func (s *Setter) Parse(i int, x any) (sim.Value, error) {
	v, err := s.settings[i].Parse(x)
	if err != nil {
		msg := valueMessage(err)
		return v, &SetError{Key: s.axes[i].Key, Msg: msg}
	}
	return v, nil
}

// World resolves the world with vals (one per key, already parsed) and
// validates it as a sweep point is validated.
func (s *Setter) World(vals []sim.Value) (sim.WorldConfig, error) {
	if len(vals) != len(s.axes) {
		panic(fmt.Sprintf("scenarios: Setter.World with %d values for %d keys", len(vals), len(s.axes)))
	}
	sets := slices.Clone(s.base)
	for i, a := range s.axes {
		sets = append(sets, axisSet{platform: a.Platform, setting: a.Setting, table: a.Table, index: a.Index, field: a.Field,
			at: setAt{val: vals[i], key: "set." + a.Key}})
	}
	cfg, _ := s.sc.world.resolve(sets, s.sc.Run.Generations)
	if err := cfg.Validate(); err != nil {
		var msgs []string
		for _, fe := range model.FieldErrors(err) {
			msgs = append(msgs, fe.Error())
		}
		if len(msgs) == 0 {
			msgs = []string{err.Error()}
		}
		return cfg, &SetError{Key: strings.Join(s.Keys(), ", "), Msg: fmt.Sprintf("at %s: %s", describeRow(s.axes, vals), strings.Join(msgs, "; "))}
	}
	return cfg, nil
}
