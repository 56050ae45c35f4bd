package serve

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
	"github.com/culturesim/culturesim/sim/rng"
)

// Limits of the controls.
const (
	MaxSpeed   = 1000                  // generations per second
	tickBudget = 25 * time.Millisecond // most simulation time per frame; the rest waits
	maxEvents  = 1000                  // migration events a session may trigger
	maxB       = 100                   // b from the page (fitness must stay finite)
	maxSlider  = 20                    // the top of a slider whose range is open-ended (b)
	phaseNX    = 120
	phaseNY    = 90
	maxDots    = 600
)

var (
	errClosed    = errors.New("the session has ended (its page was closed); reload the page")
	errReplaying = errors.New("the teacher is replaying the class's history; wait for it to end")
)

// platformCount is the number of the world's platforms.
func (s *session) platformCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.cfg.Platforms)
}

// session is one tab's simulation. Its fields are guarded by mu; the loop
// in run reads them every tick.
type session struct {
	id    string
	sc    *scenarios.Scenario
	cfg   sim.WorldConfig // the current parameters
	world *sim.World
	r     *rng.Xoshiro
	seed  uint64

	mu      sync.Mutex
	closed  bool // its stream has ended
	running bool
	speed   float64 // generations per second
	carry   float64 // fractional generations owed
	steps   int     // requested single steps
	dirty   bool    // send a frame even when paused
	phase   string  // "bias" or "v"
	// phaseDue marks the platforms whose phase diagram the page must get
	// again (their parameters or the axes changed).
	phaseDue []bool
	wake     chan struct{}
	frames   int // frames sent
	// drawings are the network platforms' drawn samples (nil for other
	// platforms), made with the world.
	drawings []*NetDrawing
	sent     []*NetDrawing // the drawings the page has (a new graph after a reset is sent again)
	// notice says why play paused by itself (fixation, the scenario's
	// last generation); "" while nothing did. noticed is the generation
	// it paused at, so that Play goes on past it.
	notice     string
	noticed    int
	fixNoticed bool // fixation was announced (once until a reset)
	helloDue   bool // the scenario changed: send a new hello
	// frameInterval replaces FrameInterval (0: FrameInterval): the
	// static site's page draws at 30 a second, as nothing crosses a
	// network.
	frameInterval time.Duration
	pingInterval  time.Duration // PingInterval, unless a test's server says otherwise
	// records are the generations played since the last reset, as a
	// run's series records them (at most maxRecords), for the CSV.
	records []artifact.Record
	// history lists the changes made to the running world since the
	// last reset (parameters set, events triggered), at the generations
	// they acted in, so that replay can play the same history again from
	// the seed; historyCut says it outgrew maxHistory. A replay plays
	// from the seed to replayEnd, the generation it was started at (-1:
	// no replay), applying history[replayAt:] as their generations come.
	history    []change
	historyCut bool
	replayAt   int
	replayEnd  int
	// startCfg is the configuration the world was last reset with (a
	// reset keeps the sliders' values; a replay starts from these).
	startCfg sim.WorldConfig
}

// change is a control that changed the running world: replay applies it
// again before generation g is played, as it first was.
type change struct {
	g        int
	platform int            // of a "set"
	params   map[string]any // of a "set"
	event    *model.Event
}

// maxHistory bounds a session's replayable changes (a class dragging
// sliders for an hour makes about 10,000).
const maxHistory = 100_000

// maxRecordRows bounds a session's recorded series, in rows (a
// generation has a row a platform, and the world's): about 70 MB.
const maxRecordRows = 1_000_000

func newSession(sc *scenarios.Scenario, id string) (*session, error) {
	s := &session{id: id, sc: sc, cfg: sc.Point(0), seed: sc.Seed, speed: 1 / FrameInterval.Seconds(),
		phase: "bias", wake: make(chan struct{}, 1), dirty: true, pingInterval: PingInterval}
	// Teaching runs go on until stopped; events may come at any time.
	s.cfg.Generations = math.MaxInt32
	if err := s.reset(s.seed); err != nil {
		return nil, err
	}
	s.markPhases(-1)
	return s, nil
}

func (s *session) reset(seed uint64) error {
	r := rng.Stream(seed, 0, 0)
	w, err := sim.NewWorld(s.cfg, r)
	if err != nil {
		return err
	}
	s.world, s.r, s.seed = w, r, seed
	s.dirty, s.carry, s.steps = true, 0, 0
	s.notice, s.noticed, s.fixNoticed = "", -1, false
	s.records = nil // the old run's memory goes
	s.history, s.historyCut, s.replayAt, s.replayEnd = nil, false, 0, -1
	s.startCfg = s.cfg // setParams replaces cfg.Platforms, never writes into it
	return nil
}

// markPhases has platform k's phase diagram (every platform's for −1)
// sent again.
func (s *session) markPhases(k int) {
	if len(s.phaseDue) != len(s.cfg.Platforms) {
		s.phaseDue = make([]bool, len(s.cfg.Platforms))
		k = -1
	}
	for i := range s.phaseDue {
		if k < 0 || i == k {
			s.phaseDue[i] = true
		}
	}
}

// remember records a change for replay. A change while replaying takes
// over: the rest of the replayed history is dropped, and the change
// starts a new branch of it.
func (s *session) remember(c change) {
	if s.replayEnd >= 0 {
		s.history, s.replayEnd = s.history[:s.replayAt], -1
	}
	if len(s.history) >= maxHistory {
		s.historyCut = true
		return
	}
	s.history = append(s.history, c)
}

// replayDue applies, while replaying, the changes recorded for the
// generation about to be played.
func (s *session) replayDue() {
	g := s.world.Generation()
	for s.replayEnd >= 0 && s.replayAt < len(s.history) && s.history[s.replayAt].g <= g {
		c := s.history[s.replayAt]
		s.replayAt++
		// They were valid when first applied, from the same state.
		var err error
		if c.event != nil {
			err = s.world.AddEvent(*c.event)
		} else {
			err = s.setParams(c.platform, c.params)
		}
		if err != nil {
			s.notice = fmt.Sprintf("The replay stopped at generation %d: %v", g, err)
			s.replayEnd, s.running = -1, false
			return
		}
	}
}

// record keeps the generation just played, as culturesim run's series
// records it: the state at its start and the fitness earned in it.
func (s *session) record() {
	if rows := len(s.cfg.Platforms) + 1; (len(s.records)+1)*rows <= maxRecordRows {
		s.records = append(s.records, artifact.Record{Generation: s.world.Generation() - 1, Rows: execute.StatsRows(s.world.LastStats())})
	}
}

// series copies the session's series since its last reset and its
// current state (call with s.mu held); seriesTable formats them, without
// the lock (the world plays on), in the first columns of culturesim run's
// series.csv (point 0, replicate 0), ending with the current state (no
// fitness), as a run's does: for a seed s and the scenario's parameters,
// the rows of "culturesim run" with seed s.
func (s *session) series() ([]artifact.Record, []string) {
	recs := append(append([]artifact.Record(nil), s.records...), artifact.Record{Generation: s.world.Generation(), Rows: execute.StatsRows(s.world.State())})
	return recs, s.cfg.Names()
}

// History is the series so far, for a page that joins a running world
// (a classroom's late student, a reloaded page): every step-th
// generation played since the reset, at most maxHistoryPoints, per
// platform as [generation, frequency of A, the migrants' frequency of A,
// the mean fitness of the generation before] (-1 where there is none),
// and the changes made, as the chart's marks.
type History struct {
	Points [][][4]float64 `json:"points"`
	Marks  []EventMark    `json:"marks"`
}

const maxHistoryPoints = 2000

func (s *session) historySoFar() *History {
	s.mu.Lock()
	defer s.mu.Unlock()
	K := len(s.cfg.Platforms)
	h := &History{Points: make([][][4]float64, K)}
	n := len(s.records)
	step := max(1, (n+maxHistoryPoints-1)/maxHistoryPoints)
	orNone := func(x float64) float64 {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return -1
		}
		return x
	}
	off := min(1, K-1) // a record's rows[0] is the world's when there are several platforms
	for i := 0; i < n; i += step {
		r := s.records[i]
		for k := range K {
			row := r.Rows[k+off]
			w := -1.0
			if i > 0 {
				w = orNone(s.records[i-1].Rows[k+off].MeanFitness)
			}
			h.Points[k] = append(h.Points[k], [4]float64{float64(r.Generation), orNone(row.FreqA), orNone(row.FreqMigrants), w})
		}
	}
	for _, c := range s.history {
		if c.event != nil {
			h.Marks = append(h.Marks, EventMark{Generation: c.g, Label: fmt.Sprintf("event: %.3g%% %s → %s", 100*c.event.Fraction, s.cfg.Platforms[c.event.From].Name, s.cfg.Platforms[c.event.To].Name)})
			continue
		}
		var parts []string
		for _, key := range slices.Sorted(maps.Keys(c.params)) {
			parts = append(parts, fmt.Sprintf("%v = %v", key, c.params[key]))
		}
		who := "every platform"
		if c.platform >= 0 {
			who = s.cfg.Platforms[c.platform].Name
		}
		h.Marks = append(h.Marks, EventMark{Generation: c.g, Label: who + " " + strings.Join(parts, ", ")})
	}
	return h
}

func seriesTable(recs []artifact.Record, names []string) []byte {
	K := len(names)
	t := &artifact.Table{Header: artifact.SeriesHeaderOf(K)}
	for _, row := range artifact.SeriesRows(artifact.RunResult{Series: recs}, names) {
		t.Add(row.Cells(artifact.SeriesColumns(K))...)
	}
	return t.Bytes()
}

// Bounds of a world built from the page (an upload, a rebuild): it runs
// on this server, so a page may not ask for more than a teaching-sized
// world, in agents, in neighbour-list entries (memory: 4 bytes each) or
// in games a generation (time: about 10 ns each, under the lock).
const (
	maxPageAgents = 4_000_000
	maxPageNodes  = 1_000_000
	maxPageLinks  = 50_000_000
	maxPageGames  = 50_000_000
)

// pageBounds refuses a platform the page may not build, from what its
// settings imply (sim.PlatformConfig.Work), before anything is built.
func pageBounds(pc sim.PlatformConfig) error {
	sites, links, games := pc.Work()
	switch {
	case sites > maxPageAgents:
		return fmt.Errorf("platform %s: %d sites or agents; the page runs up to %d (run larger worlds with culturesim run)", pc.Name, sites, maxPageAgents)
	case pc.Kind == sim.KindNetwork && sites > maxPageNodes:
		return fmt.Errorf("platform %s: %d nodes; the page runs networks of up to %d", pc.Name, sites, maxPageNodes)
	case links > maxPageLinks:
		return fmt.Errorf("platform %s: about %d neighbour-list entries; the page builds up to %d (a smaller radius, degree or size)", pc.Name, links, maxPageLinks)
	case games > maxPageGames:
		return fmt.Errorf("platform %s: about %d games a generation; the page plays up to %d (fewer rounds, a smaller neighbourhood or size)", pc.Name, games, maxPageGames)
	}
	return nil
}

// worldBounds applies pageBounds to every platform, and the agents' total.
func worldBounds(cfg sim.WorldConfig) error {
	var agents int64
	for _, pc := range cfg.Platforms {
		if err := pageBounds(pc); err != nil {
			return err
		}
		sites, _, _ := pc.Work()
		agents += sites
	}
	if agents > maxPageAgents {
		return fmt.Errorf("%d agents in the world; the page runs up to %d", agents, maxPageAgents)
	}
	return nil
}

// parseScenario reads the scenario of a "scenario" control: a built-in
// (c.Scenario) or an uploaded file's text (c.TOML, named c.File), checked
// with the command line's messages and the page's bounds. It takes no
// lock: parsing may take a moment.
func parseScenario(c Control) (*scenarios.Scenario, error) {
	var sc *scenarios.Scenario
	var err error
	switch {
	case c.Scenario != "" && c.TOML != "":
		return nil, userErrorf("scenario: give a built-in name or a file's text, not both")
	case c.Scenario != "":
		sc, err = scenarios.Builtin(c.Scenario)
	case c.TOML != "":
		name := c.File
		if name == "" {
			name = "uploaded.toml"
		}
		sc, err = scenarios.ParseUpload(filepath.Base(name), []byte(c.TOML), pageBounds)
	default:
		return nil, userErrorf("scenario: give a built-in name (scenario) or a file's text (toml)")
	}
	if err != nil {
		var se scenarios.Errors
		if errors.As(err, &se) {
			return nil, userErrorf("invalid scenario:\n%s", strings.TrimRight(se.Error(), "\n"))
		}
		return nil, userError{err}
	}
	if err := worldBounds(sc.Point(0)); err != nil {
		return nil, userErrorf("%s: %v; run it with culturesim run or serve it from the command line", sc.Name, err)
	}
	return sc, nil
}

// loadScenario replaces the session's scenario (parsed by parseScenario);
// a sweep shows its point 0. The page gets a new hello.
func (s *session) loadScenario(sc *scenarios.Scenario) error {
	cfg := sc.Point(0)
	cfg.Generations = math.MaxInt32 // teaching runs go on until stopped
	return s.rebuildWorld(sc, cfg, sc.Seed)
}

// rebuildWorld replaces the session's world by one of sc and cfg from
// seed, paused, and has the page rebuilt from a new hello; if the world
// cannot be made, the session keeps its own.
func (s *session) rebuildWorld(sc *scenarios.Scenario, cfg sim.WorldConfig, seed uint64) error {
	oldSc, oldCfg := s.sc, s.cfg
	s.sc, s.cfg = sc, cfg
	if err := s.reset(seed); err != nil {
		s.sc, s.cfg = oldSc, oldCfg
		return userError{err}
	}
	s.running, s.helloDue = false, true
	s.phaseDue = nil
	s.markPhases(-1)
	s.drawings, s.sent = nil, nil
	return nil
}

// pauseIfDone pauses the world when the scenario would have ended its
// run, with a notice: a phenotype fixed (under the stop rule
// "fixation"; once until a reset) or its last generation reached (once).
// Steps taken while paused get the notice too. It reports whether it
// stopped the world just now, which ends a batch of steps.
func (s *session) pauseIfDone() bool {
	g := s.world.Generation()
	if g == s.noticed {
		return false
	}
	n, a := s.world.Size(), s.world.CountA()
	switch {
	case s.replayEnd >= 0 && g < s.replayEnd:
		return false // the history went on past these; so does its replay
	case s.replayEnd >= 0:
		s.notice = fmt.Sprintf("The replay is back at generation %d, where it started: the same history, generation for generation. Press Play to go on from here.", g)
		s.replayEnd = -1
	case s.sc.Run.Stop == sim.StopFixation && (a == 0 || a == n) && !s.fixNoticed:
		s.fixNoticed = true
		what := "defectors (B)"
		if a == n {
			what = "cooperators (A)"
		}
		s.notice = fmt.Sprintf("Fixation at generation %d: every agent is one of the %s, and nothing can change any more. Press Reset to start again (a new seed gives another history).", g, what)
	case g == s.sc.Run.Generations:
		s.notice = fmt.Sprintf("Generation %d: the scenario's last generation (a run of %s stops here). Press Play to go on, or Reset to start again.", g, s.sc.Name)
	default:
		return false
	}
	s.running, s.steps, s.noticed, s.dirty = false, 0, g, true
	return true
}

func (s *session) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// apply performs a control.
func (s *session) apply(c Control) (err error) {
	if c.Action == "scenario" {
		// Parsing (and checking every point of a sweep) happens before
		// the lock, so the world plays on meanwhile.
		if c.parsed, err = parseScenario(c); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.poke()
	defer func() {
		if err == nil {
			s.dirty = true // the page learns every change from a frame
		}
	}()
	if s.closed {
		return errClosed
	}
	switch c.Action {
	case "play":
		s.running, s.notice = true, ""
	case "pause":
		s.running = false
	case "step":
		n := c.Steps
		if n == 0 {
			n = 1
		}
		if n < 1 || n > 10_000 || s.steps+n > 10_000 {
			return userErrorf("steps = %d is outside its allowed range [1, %d] (10000 may wait at a time)", n, 10_000-s.steps)
		}
		s.steps += n
		s.notice = "" // an earlier pause's notice no longer holds
	case "scenario":
		return s.loadScenario(c.parsed)
	case "reload":
		// The scenario again, as it was loaded: its parameters, its seed
		// and its structure.
		return s.loadScenario(s.sc)
	case "structure":
		return s.setStructure(c.Platform, c.Params)
	case "reset":
		seed := c.Seed
		if seed == 0 {
			seed = s.sc.Seed
		}
		if seed > math.MaxInt64 {
			return userErrorf("seed = %d is outside its allowed range [1, 2^63)", seed)
		}
		return s.reset(seed)
	case "speed":
		if !(c.Speed > 0 && c.Speed <= MaxSpeed) {
			return userErrorf("speed = %v is outside its allowed range (0, %d] generations per second", c.Speed, MaxSpeed)
		}
		s.speed = c.Speed
	case "set":
		if c.student && s.replayEnd >= 0 {
			return userError{errReplaying}
		}
		// Check everything before changing anything.
		if c.Phase != "" && c.Phase != "bias" && c.Phase != "v" {
			return userErrorf("phase = %q is not \"bias\" or \"v\"", c.Phase)
		}
		if c.Platform < -1 || c.Platform >= len(s.cfg.Platforms) {
			return userErrorf("platform = %d is outside its allowed range [-1, %d]", c.Platform, len(s.cfg.Platforms)-1)
		}
		if len(c.Params) > 0 {
			if err := s.setParams(c.Platform, c.Params); err != nil {
				return err
			}
			s.remember(change{g: s.world.Generation(), platform: c.Platform, params: maps.Clone(c.Params)})
		}
		if c.Phase != "" && c.Phase != s.phase {
			s.phase = c.Phase
			s.markPhases(-1)
		}
	case "replay":
		if s.historyCut {
			return userErrorf("replay: more than %d changes since the last reset; this history is too long to replay", maxHistory)
		}
		end := s.world.Generation()
		if end == 0 {
			return userErrorf("nothing to replay: no generation has been played since the last reset")
		}
		h, now := s.history, s.cfg
		s.cfg = s.startCfg
		if err := s.reset(s.seed); err != nil {
			s.cfg = now
			return err
		}
		s.history, s.replayAt, s.replayEnd, s.running = h, 0, end, true
		s.markPhases(-1)
	case "event":
		e := c.Event
		if e == nil {
			return userErrorf("event: missing {from, to, fraction}")
		}
		ph := map[string]model.EventPhenotype{"": model.AnyPhenotype, "any": model.AnyPhenotype, "A": model.OnlyA, "B": model.OnlyB}
		p, ok := ph[e.Phenotype]
		if !ok {
			return userErrorf("event phenotype %q is not \"any\", \"A\" or \"B\"", e.Phenotype)
		}
		for _, k := range []int{e.From, e.To} {
			if k < 0 || k >= len(s.cfg.Platforms) {
				return userErrorf("event: there is no platform %d (the platforms are 0 to %d)", k, len(s.cfg.Platforms)-1)
			}
		}
		if len(s.world.Migration().Events) >= maxEvents {
			return userErrorf("this session has had %d migration events; reset it first", maxEvents)
		}
		ev := model.Event{Generation: s.world.Generation(), From: e.From, To: e.To, Fraction: e.Fraction, Phenotype: p}
		// The event joins the running world only: a reset replays the
		// scenario without it.
		if err := s.world.AddEvent(ev); err != nil {
			return userError{err}
		}
		s.remember(change{g: ev.Generation, event: &ev})
	default:
		return userErrorf("unknown action %q (play, pause, step, reset, speed, set, event, replay, scenario, reload, structure)", c.Action)
	}
	return nil
}

// setParams changes live settings (sim.Setting.Live: the model's
// parameters, a lattice's initiation and selection) of one platform (or
// all, k = −1) and hands them to the running world, which keeps its
// agents. Values are parsed and validated by the engine's table, as
// scenario files are.
func (s *session) setParams(k int, params map[string]any) error {
	plats := append([]sim.PlatformConfig(nil), s.cfg.Platforms...)
	targets := platforms(k, len(plats))
	for _, key := range slices.Sorted(maps.Keys(params)) { // the same error for the same request
		st, ok := sim.LookupSetting(key)
		if !ok || !st.Live {
			return userErrorf("unknown parameter %q (the page can set %s)", key, strings.Join(settingKeys(func(st sim.Setting) bool { return st.Live }), ", "))
		}
		v, err := st.Parse(params[key])
		if err != nil {
			return userError{fieldMessage(err)}
		}
		if key == "b" && v.Num > maxB {
			return userErrorf("b = %v is outside the teaching range (c, %d]", v.Num, maxB)
		}
		for _, i := range targets {
			if err := plats[i].Set(key, v); err != nil {
				return userError{fieldMessage(err)}
			}
		}
	}
	for _, i := range targets {
		plats[i].Finish()
		if err := plats[i].Validate(); err != nil {
			return userErrorf("%s: %s", plats[i].Name, strings.ReplaceAll(fieldMessage(err).Error(), "\n", "; "))
		}
	}
	for _, i := range targets {
		if err := s.world.SetPlatform(i, plats[i]); err != nil {
			return userError{err}
		}
	}
	s.cfg.Platforms = plats
	for _, i := range targets {
		s.markPhases(i)
	}
	s.dirty = true
	return nil
}

// fieldMessage names settings by their keys ("c = 1.5 is outside …"),
// as the page shows them.
func fieldMessage(err error) error {
	var lines []string
	for _, fe := range model.FieldErrors(err) {
		c := *fe
		c.Path = c.Field()
		lines = append(lines, c.Error())
	}
	if len(lines) == 0 {
		return err
	}
	return errors.New(strings.Join(lines, "; "))
}

// settingKeys lists the keys of the settings that are (the page can
// change those that are Live; a classroom's students those that are
// Culture).
func settingKeys(are func(sim.Setting) bool) []string {
	var out []string
	for _, st := range sim.Settings {
		if are(st) {
			out = append(out, st.Key)
		}
	}
	return out
}

// platforms lists the platforms a control with platform k acts on, of
// n: k itself, or every one for k = −1.
func platforms(k, n int) []int {
	if k >= 0 {
		return []int{k}
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	return all
}

// run is the session's loop: it plays generations at the requested speed
// and sends a frame every tick while playing (and after any change).
func (s *session) run(ctx context.Context, send func(event string, v any) error) {
	interval := FrameInterval
	if s.frameInterval > 0 {
		interval = s.frameInterval
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	defer func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
	}()
	s.mu.Lock()
	hello := s.hello()
	s.mu.Unlock()
	if send("hello", hello) != nil {
		return
	}
	last, lastSent := time.Now(), time.Now()
	for {
		s.mu.Lock()
		now := time.Now()
		if s.running {
			s.carry += s.speed * now.Sub(last).Seconds()
			n := math.Floor(s.carry)
			s.carry -= n
			s.steps += int(min(n, 10_000))
		}
		last = now
		var again *Hello // a new scenario: the page rebuilds from a new hello
		if s.helloDue {
			h := s.hello()
			again, s.helloDue = &h, false
		}
		// Play what is owed within the frame's time budget; the rest
		// waits for the next frames (a slow world plays slower than
		// asked, but stays responsive and stops when its tab closes).
		gens := 0
		for s.steps > 0 && ctx.Err() == nil && (gens == 0 || time.Since(now) < tickBudget) {
			s.replayDue()
			s.world.Step(s.r)
			s.record()
			s.steps--
			gens++
			if s.pauseIfDone() {
				break
			}
		}
		if s.running {
			s.steps = min(s.steps, int(math.Ceil(s.speed*interval.Seconds()))) // do not pile up
		}
		var frame *Frame
		if gens > 0 || s.running || s.dirty {
			frame = s.frame()
			s.dirty = false
			s.frames++
		}
		var phases []*Phase
		for k, due := range s.phaseDue {
			if due {
				phases = append(phases, s.phaseDiagram(k))
				s.phaseDue[k] = false
			}
		}
		s.mu.Unlock()
		if again != nil && send("hello", again) != nil {
			return
		}
		for _, ph := range phases {
			if send("phase", ph) != nil {
				return
			}
		}
		if frame != nil && send("frame", frame) != nil {
			return
		}
		if phases != nil || frame != nil {
			lastSent = time.Now()
		} else if time.Since(lastSent) >= s.pingInterval {
			if send("ping", struct{}{}) != nil {
				return
			}
			lastSent = time.Now()
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.wake:
		}
	}
}

// Hello describes the session to the page.
type Hello struct {
	// Events are the scenario's migration events, which the chart marks.
	Events      []EventMark    `json:"events,omitempty"`
	Session     string         `json:"session"`
	Scenario    string         `json:"scenario"`
	Description string         `json:"description"`
	Seed        uint64         `json:"seed"`
	Speed       float64        `json:"speed"`
	Platforms   []PlatformInfo `json:"platforms"`
	Sliders     []Slider       `json:"sliders"`
	Builtins    []string       `json:"builtins"` // the scenario picker's
}

// EventMark is a migration event on the chart.
type EventMark struct {
	Generation int    `json:"g"`
	Label      string `json:"label"`
}

// Slider is a numeric live setting as the page's controls show it, from
// the engine's table of settings.
type Slider struct {
	Key            string  `json:"key"`
	Label          string  `json:"label"` // short: the symbol and a word
	Title          string  `json:"title"` // the whole name and domain, as a tooltip
	Min            float64 `json:"min"`
	Max            float64 `json:"max"`
	Step           float64 `json:"step"`
	StructuredOnly bool    `json:"latticeOnly,omitempty"`
	WellMixedOnly  bool    `json:"wellMixedOnly,omitempty"`
}

// sliders lists the numeric live settings. An open-ended range is shown
// up to maxSlider; an open lower end starts one step in.
func sliders() []Slider {
	var out []Slider
	for _, st := range sim.Settings {
		if !st.Live || st.Type != sim.Float {
			continue
		}
		label, title := st.Key, st.Label
		if pa, ok := model.LookupParam(st.Key); ok {
			label, title = pa.Symbol+" ("+pa.Short+")", pa.Label()+", "+pa.Domain
		}
		sl := Slider{Key: st.Key, Label: label, Title: title, Min: st.Min, Max: math.Min(st.Max, maxSlider), StructuredOnly: st.StructuredOnly, WellMixedOnly: st.WellMixedOnly}
		sl.Step = 0.005
		if sl.Max-sl.Min > 1 {
			sl.Step = 0.01
		}
		if strings.HasPrefix(st.Domain, "(") || strings.Contains(st.Domain, ">") {
			sl.Min += sl.Step // the lower end is excluded
		}
		out = append(out, sl)
	}
	return out
}

// PlatformInfo is a platform's structure and current live settings.
type PlatformInfo struct {
	Name    string         `json:"name"`
	Kind    string         `json:"kind"`    // "wellmixed", "lattice" or "network"
	Lattice bool           `json:"lattice"` // a lattice or a network: neighbourhoods, initiation, selection
	Size    int            `json:"size"`    // agents, the lattice side, or the network's nodes
	Params  map[string]any `json:"params"`
	// Network is a network platform's drawn sample (in hello only).
	Network *NetDrawing `json:"network,omitempty"`
	// Structure lists the settings that rebuild the platform's
	// population (in hello only): size, initial frequency, the lattice's
	// shape, rounds, the graph's family and its numbers.
	Structure []StructureField `json:"structure,omitempty"`
}

// StructureField is one structure setting of a platform, as the page's
// "rebuild" controls show it.
type StructureField struct {
	Key     string   `json:"key"`
	Label   string   `json:"label"`
	Title   string   `json:"title"` // the domain
	Value   any      `json:"value"`
	Options []string `json:"options,omitempty"` // a choice's
	Whole   bool     `json:"whole,omitempty"`   // a whole number
}

// structureFields lists a platform's structure settings: those of the
// engine's table that are not live, apply to its kind (and graph
// family), and are numbers or choices (not files).
func structureFields(p sim.PlatformConfig) []StructureField {
	var out []StructureField
	for _, st := range sim.Settings {
		if st.Live || st.Table != "population" || st.Stage == sim.StageKind || st.Type == sim.Text || st.Key == "agents" || st.Key == "graph_seed" {
			continue
		}
		if !st.AppliesTo(p) {
			continue
		}
		if p.Kind == sim.KindNetwork && p.Network.Graph == sim.GraphEdges && st.Key == "size" {
			continue // the file gives the nodes
		}
		v, _ := p.Get(st.Key)
		f := StructureField{Key: st.Key, Label: st.Label, Title: st.Domain, Whole: st.Type == sim.Int}
		if st.Type == sim.Choice {
			f.Value, f.Options = v.Str, st.Options
			if st.Key == "graph" {
				f.Options = slices.DeleteFunc(slices.Clone(st.Options), func(o string) bool { return o == "edges" || o == "lattice" })
				if p.Network.Graph == sim.GraphEdges || p.Network.Graph == sim.GraphLattice {
					continue // a file's or the lattice's graph keeps its family
				}
			}
		} else {
			f.Value = v.Num
		}
		out = append(out, f)
	}
	return out
}

// setStructure changes structure settings of platform k (all for −1)
// and rebuilds the world from its seed: the agents start again. Values
// are parsed and validated as scenario files' are; a world the page
// cannot run is refused.
func (s *session) setStructure(k int, params map[string]any) error {
	cfg := s.cfg
	cfg.Platforms = append([]sim.PlatformConfig(nil), s.cfg.Platforms...)
	if k >= len(cfg.Platforms) {
		return userErrorf("no platform %d", k)
	}
	targets := platforms(k, len(cfg.Platforms))
	for _, key := range slices.Sorted(maps.Keys(params)) {
		st, ok := sim.LookupSetting(key)
		if !ok || st.Table != "population" || st.Stage == sim.StageKind || st.Type == sim.Text {
			return userErrorf("%q is not a structure setting the page can change", key)
		}
		v, err := st.Parse(params[key])
		if err != nil {
			return userError{fieldMessage(err)}
		}
		for _, i := range targets {
			if err := cfg.Platforms[i].Set(key, v); err != nil {
				return userError{fieldMessage(err)}
			}
		}
	}
	// The page's bounds before anything is built (Finish builds a
	// network's graph).
	if err := worldBounds(cfg); err != nil {
		return userError{err}
	}
	for _, i := range targets {
		cfg.Platforms[i].Finish()
	}
	if err := cfg.Validate(); err != nil {
		return userErrorf("%s", strings.ReplaceAll(fieldMessage(err).Error(), "\n", "; "))
	}
	return s.rebuildWorld(s.sc, cfg, s.seed)
}

func (s *session) platformInfo() []PlatformInfo {
	var out []PlatformInfo
	for _, p := range s.cfg.Platforms {
		size, _ := p.Get("size")
		info := PlatformInfo{Name: p.Name, Kind: p.Kind.String(), Lattice: p.Kind.Structured(), Size: int(size.Num), Params: map[string]any{}}
		if p.Kind == sim.KindNetwork {
			info.Size = p.Sites()
		}
		for _, st := range sim.Settings {
			if !st.Live {
				continue
			}
			v, _ := p.Get(st.Key)
			if st.Type == sim.Choice {
				info.Params[st.Key] = v.Str
			} else {
				info.Params[st.Key] = v.Num
			}
		}
		out = append(out, info)
	}
	return out
}

func (s *session) hello() Hello {
	h := Hello{Session: s.id, Scenario: s.sc.Name, Description: s.sc.Description, Seed: s.seed, Speed: s.speed,
		Platforms: s.platformInfo(), Sliders: sliders(), Builtins: scenarios.BuiltinNames()}
	for _, e := range s.world.Migration().Events {
		h.Events = append(h.Events, EventMark{Generation: e.Generation,
			Label: fmt.Sprintf("%.3g%% %s → %s", 100*e.Fraction, s.cfg.Platforms[e.From].Name, s.cfg.Platforms[e.To].Name)})
	}
	s.sent = make([]*NetDrawing, len(h.Platforms))
	for k := range h.Platforms {
		h.Platforms[k].Network = s.drawing(k)
		h.Platforms[k].Structure = structureFields(s.cfg.Platforms[k])
		s.sent[k] = h.Platforms[k].Network
	}
	return h
}

// Frame is the state after a generation.
type Frame struct {
	Generation int             `json:"g"`
	Running    bool            `json:"running"`
	Notice     string          `json:"notice,omitempty"` // why play paused by itself
	Seed       uint64          `json:"seed"`
	Platforms  []PlatformFrame `json:"platforms"`
	Params     []PlatformInfo  `json:"params"`
	// Changes counts the changes a replay would play again; Replaying
	// says one is under way.
	Changes   int  `json:"changes"`
	Replaying bool `json:"replaying,omitempty"`
}

// PlatformFrame is one platform in a frame. Lattice platforms carry their
// sites, one bit per site, row-major, least significant bit first (Sites:
// 1 = A; Occupied: 1 = occupied, empty when every site is); well-mixed
// ones a sample of agents, one byte each (bit 0: A, bit 1: migrant).
type PlatformFrame struct {
	Size        int     `json:"size"`
	CountA      int     `json:"a"`
	Natives     int     `json:"natives"`
	NativesA    int     `json:"nativesA"`
	Migrants    int     `json:"migrants"`
	MigrantsA   int     `json:"migrantsA"`
	MeanFitness float64 `json:"meanFitness"` // of the last generation; 0 before any
	Sites       string  `json:"sites,omitempty"`
	Occupied    string  `json:"occupied,omitempty"`
	Dots        string  `json:"dots,omitempty"`
	// Nodes: a network's drawn sample (NetDrawing's nodes, in order),
	// one byte each: bit 0 A, bit 1 migrant, bit 2 empty.
	Nodes string `json:"nodes,omitempty"`
	// Network is a new drawing, when the world's graph changed (a reset
	// with graph_seed "replicate"); Alpha a network's effective α now
	// (it moves with the feed slider).
	Network *NetDrawing `json:"network,omitempty"`
	Alpha   float64     `json:"alpha,omitempty"`
}

func (s *session) frame() *Frame {
	f := &Frame{Generation: s.world.Generation(), Running: s.running, Seed: s.seed, Params: s.platformInfo(), Notice: s.notice,
		Changes: len(s.history), Replaying: s.replayEnd >= 0}
	state := s.world.State()
	last := s.world.LastStats()
	for k, st := range state {
		pf := PlatformFrame{Size: st.Size, CountA: st.CountA, Natives: st.Natives, NativesA: st.NativesA, Migrants: st.Migrants, MigrantsA: st.MigrantsA}
		if last != nil && !math.IsNaN(last[k].MeanFitness) && !math.IsInf(last[k].MeanFitness, 0) {
			pf.MeanFitness = last[k].MeanFitness
		}
		ph, origin, _, occ := s.world.Agents(k)
		if d := s.drawing(k); d != nil {
			if k < len(s.sent) && s.sent[k] != d {
				pf.Network, s.sent[k] = d, d
			}
			pf.Alpha = s.cfg.Platforms[k].Model.Alpha
			b := make([]byte, len(d.sample))
			for i, v := range d.sample {
				b[i] = ph[v] & 1
				if origin != nil && int(origin[v]) != k {
					b[i] |= 2
				}
				if occ != nil && occ[v] == 0 {
					b[i] = 4
				}
			}
			pf.Nodes = base64.StdEncoding.EncodeToString(b)
		} else if s.cfg.Platforms[k].Kind == sim.KindLattice {
			pf.Sites = bits(ph)
			if occ != nil && st.Size < len(ph) {
				pf.Occupied = bits(occ)
			}
		} else {
			n := min(len(ph), maxDots)
			d := make([]byte, n)
			for i := range n {
				d[i] = ph[i] & 1
				if origin != nil && int(origin[i]) != k {
					d[i] |= 2
				}
			}
			pf.Dots = base64.StdEncoding.EncodeToString(d)
		}
		f.Platforms = append(f.Platforms, pf)
	}
	return f
}

// bits packs 0/1 values, least significant bit first.
func bits(x []uint8) string {
	b := make([]byte, (len(x)+7)/8)
	for i, v := range x {
		b[i>>3] |= (v & 1) << (i & 7)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// Phase is the analytic phase diagram of one platform's parameters:
// outcome codes (model.Outcome; 9 where the parameters are invalid) on
// an NX × NY grid, row 0 at the bottom.
type Phase struct {
	Index       int     `json:"index"` // the platform's
	Platform    string  `json:"platform"`
	Mode        string  `json:"mode"` // "bias": x = T_A − T_B; "v": x = v
	XLabel      string  `json:"xlabel"`
	X0          float64 `json:"x0"`
	X1          float64 `json:"x1"`
	Y0          float64 `json:"y0"`
	Y1          float64 `json:"y1"`
	NX          int     `json:"nx"`
	NY          int     `json:"ny"`
	Cells       string  `json:"cells"`
	PX          float64 `json:"px"` // the current point
	PY          float64 `json:"py"`
	Outcome     string  `json:"outcome"`
	Description string  `json:"description"`
	Alpha       float64 `json:"alpha"`
	Lattice     bool    `json:"lattice"` // a lattice or a network: α is the structure's effective α
	Kind        string  `json:"kind"`
	// PStar is the recursion's interior equilibrium p̂* (0 when there is
	// none): stable under coexistence, the threshold when bistable.
	PStar float64 `json:"pstar,omitempty"`
}

func (s *session) phaseDiagram(k int) *Phase {
	p := s.cfg.Platforms[k].Model
	ph := &Phase{Index: k, Platform: s.cfg.Platforms[k].Name, Mode: s.phase, NX: phaseNX, NY: phaseNY, Y0: 0, Y1: math.Min(1, p.B),
		Alpha: p.Alpha, Lattice: s.cfg.Platforms[k].Kind.Structured(), Kind: s.cfg.Platforms[k].Kind.String()}
	at := func(x, y float64) model.Params {
		q := p
		q.C = y
		if s.phase == "v" {
			q.V = x
		} else {
			q.TB = p.TA - x
		}
		return q
	}
	if s.phase == "v" {
		ph.XLabel, ph.X0, ph.X1, ph.PX = "v", 0, 1, p.V
	} else {
		// T_B = T_A − x runs over [0, 1]: the window is every valid bias.
		ph.XLabel, ph.X0, ph.X1, ph.PX = "T_A − T_B", p.TA-1, p.TA, p.TA-p.TB
	}
	ph.PY = p.C
	var b strings.Builder
	for j := range phaseNY {
		y := ph.Y0 + (ph.Y1-ph.Y0)*(float64(j)+0.5)/phaseNY
		for i := range phaseNX {
			x := ph.X0 + (ph.X1-ph.X0)*(float64(i)+0.5)/phaseNX
			q := at(x, y)
			if q.Validate() != nil {
				b.WriteByte('9')
				continue
			}
			o, _ := q.Classify()
			b.WriteByte('0' + byte(o))
		}
	}
	ph.Cells = b.String()
	if p.Validate() == nil {
		o, _ := p.Classify()
		ph.Outcome, ph.Description = o.String(), o.Description()
		if a, err := model.Analyze(p); err == nil && !math.IsNaN(a.PStar) {
			ph.PStar = a.PStar // the chart draws it: stable (coexistence) or the threshold (bistable)
		}
	} else {
		ph.Outcome, ph.Description = "invalid", fmt.Sprint(p.Validate())
	}
	return ph
}
