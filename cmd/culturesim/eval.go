package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
	"github.com/culturesim/culturesim/sim/rng"
)

// evalOptions are the flags of "culturesim eval".
type evalOptions struct {
	Scenario string
	Workers  int
	Point    int
	in       io.Reader
}

// evalRequest is one line of eval's input.
type evalRequest struct {
	ID   json.RawMessage
	Set  map[string]any
	Seed *uint64
	At   []int
}

// evalResponse is one line of eval's output.
type evalResponse struct {
	ID    json.RawMessage    `json:"id,omitempty"`
	Seed  *uint64            `json:"seed,omitempty"`
	Stats map[string]float64 `json:"stats,omitempty"`
	Error string             `json:"error,omitempty"`
}

// maxEvalLine bounds one request line.
const maxEvalLine = 1 << 20

func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := evalOptions{in: os.Stdin}
	fs := newFlagSet("eval", "SCENARIO.toml|BUILTIN [--workers N] [--point I]  (requests on stdin, one JSON line each)", stdout)
	fs.IntVar(&o.Workers, "workers", 1, "requests simulated in parallel (answers keep the requests' order)")
	fs.IntVar(&o.Point, "point", 0, "the sweep point whose values the requests start from")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("eval: need exactly one scenario, got %d arguments", len(pos))
	}
	o.Scenario = pos[0]
	if o.Workers < 0 {
		return usagef("eval: --workers = %d is outside its allowed range ≥ 0 (0: one per CPU)", o.Workers)
	}
	return runEval(ctx, o, stdout, stderr)
}

// evaluator answers requests over one scenario; its Setters (one per set
// of keys) are built once.
type evaluator struct {
	sc    *scenarios.Scenario
	point int
	mu    sync.Mutex
	sets  map[string]*scenarios.Setter
}

func runEval(ctx context.Context, o evalOptions, stdout, stderr io.Writer) error {
	sc, err := openScenario(o.Scenario, stderr)
	if err != nil {
		return err
	}
	if o.Point < 0 || o.Point >= sc.NumPoints() {
		return usagef("eval: --point = %d is outside its allowed range: the scenario has points 0 to %d", o.Point, sc.NumPoints()-1)
	}
	workers := o.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ev := &evaluator{sc: sc, point: o.Point, sets: map[string]*scenarios.Setter{}}
	return ev.serve(ctx, o.in, stdout, workers)
}

// serve reads requests from in and writes one answer line per request,
// in order, flushing each (a sampler waits for it). A bad request gets an
// error line, and the next request is read; only reading or writing
// failing ends it.
func (ev *evaluator) serve(ctx context.Context, in io.Reader, out io.Writer, workers int) error {
	// A failed write cancels: the requests still queued are not simulated.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		n    int
		line []byte
		done chan []byte
	}
	jobs := make(chan job)
	order := make(chan chan []byte, workers*2)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.done <- ev.answer(ctx, j.n, j.line)
			}
		}()
	}
	writeErr := make(chan error, 1)
	go func() {
		w := bufio.NewWriter(out)
		var err error
		for done := range order {
			b := <-done
			if err != nil {
				continue // drain: the workers must not block
			}
			if _, err = w.Write(b); err == nil {
				err = w.Flush()
			}
			if err != nil {
				cancel()
			}
		}
		writeErr <- err
	}()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), maxEvalLine)
	n := 0
	var readErr error
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		done := make(chan []byte, 1)
		order <- done
		jobs <- job{n: n, line: slices.Clone(line), done: done}
		n++
	}
	if err := sc.Err(); err != nil {
		readErr = fmt.Errorf("eval: reading requests: %w (a request is one line of at most %d bytes)", err, maxEvalLine)
	}
	close(jobs)
	wg.Wait()
	close(order)
	if err := <-writeErr; err != nil {
		return fmt.Errorf("eval: writing answers: %w", err)
	}
	if readErr != nil {
		return readErr
	}
	return ctx.Err()
}

// answer simulates request n and encodes its answer line.
func (ev *evaluator) answer(ctx context.Context, n int, line []byte) []byte {
	var resp evalResponse
	stats, id, seed, err := ev.evaluate(ctx, n, line)
	resp.ID = id
	if err != nil {
		resp.Error = err.Error()
	} else {
		resp.Stats, resp.Seed = stats, &seed
	}
	b, err := json.Marshal(resp)
	if err != nil { // a NaN statistic: JSON has no NaN
		for k, v := range resp.Stats {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				delete(resp.Stats, k)
			}
		}
		b, _ = json.Marshal(resp)
	}
	return append(b, '\n')
}

// DefaultEvalSeed is a request's seed when it gives none:
// rng.StreamSeed(scenario seed, −4, n+1) for the n-th request (from 0), a
// stream no sweep run (points ≥ 0), graph (replicate 0) or design
// (point −1) uses.
func DefaultEvalSeed(seed uint64, n int) uint64 { return rng.StreamSeed(seed, -4, n+1) }

func (ev *evaluator) evaluate(ctx context.Context, n int, line []byte) (map[string]float64, json.RawMessage, uint64, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(line, &raw); err != nil {
		return nil, nil, 0, fmt.Errorf("request %d is not a JSON object: %v", n+1, err)
	}
	var req evalRequest
	req.ID = raw["id"]
	var unknown []string
	for k := range raw {
		if k != "id" && k != "set" && k != "seed" && k != "at" {
			unknown = append(unknown, strconv.Quote(k))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, req.ID, 0, fmt.Errorf("unknown field %s; a request has set, seed, at and id", strings.Join(unknown, ", "))
	}
	dec := func(field string, dst any) error {
		if b, ok := raw[field]; ok {
			d := json.NewDecoder(bytes.NewReader(b))
			d.UseNumber()
			if err := d.Decode(dst); err != nil {
				return fmt.Errorf("%s: %v", field, err)
			}
		}
		return nil
	}
	if err := errors.Join(dec("set", &req.Set), dec("seed", &req.Seed), dec("at", &req.At)); err != nil {
		return nil, req.ID, 0, err
	}
	keys := make([]string, 0, len(req.Set))
	for k := range req.Set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	setter, err := ev.setter(keys)
	if err != nil {
		return nil, req.ID, 0, err
	}
	vals := make([]sim.Value, len(keys))
	for i, k := range keys {
		x := req.Set[k]
		if num, ok := x.(json.Number); ok {
			if iv, err := num.Int64(); err == nil {
				x = iv
			} else if fv, err := num.Float64(); err == nil {
				x = fv
			}
		}
		if vals[i], err = setter.Parse(i, x); err != nil {
			return nil, req.ID, 0, err
		}
	}
	cfg, err := setter.World(vals)
	if err != nil {
		return nil, req.ID, 0, err
	}
	seed := DefaultEvalSeed(ev.sc.Seed, n)
	if req.Seed != nil {
		seed = *req.Seed
	}
	for _, g := range req.At {
		if g < 0 || g > ev.sc.Run.Generations {
			return nil, req.ID, 0, fmt.Errorf("at: generation %d is outside [0, %d] (the scenario's generations)", g, ev.sc.Run.Generations)
		}
	}
	every := 0
	if len(req.At) > 0 {
		every = 1
	}
	res, err := execute.Simulate(ctx, cfg, ev.sc.Run, seed, every)
	if err != nil {
		return nil, req.ID, 0, err
	}
	return evalStats(ev.sc, res.Result, res.Platforms, res.Series, req.At), req.ID, seed, nil
}

// setter returns the Setter of a sorted key list, built once.
func (ev *evaluator) setter(keys []string) (*scenarios.Setter, error) {
	id := strings.Join(keys, "\x00")
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if s, ok := ev.sets[id]; ok {
		return s, nil
	}
	s, err := ev.sc.NewSetter(ev.point, keys)
	if err != nil {
		return nil, err
	}
	if len(ev.sets) < 1000 {
		ev.sets[id] = s
	}
	return s, nil
}

// evalStats names a run's statistics: the world's final frequency of A,
// the generations played, whether A or B fixed; each platform's final
// frequency, size and acculturation time (absent if it never
// acculturated); and at each generation of at, each platform's
// frequency ("freq_a_PLATFORM@G"; "freq_a@G" for the world).
func evalStats(sc *scenarios.Scenario, r sim.Result, plats []artifact.PlatformFinal, series []artifact.Record, at []int) map[string]float64 {
	st := map[string]float64{"final_freq_a": r.FinalFreqA, "generations": float64(r.Generations),
		"fixed_a": b2f(r.Reason == sim.StoppedFixedA), "fixed_b": b2f(r.Reason == sim.StoppedFixedB)}
	names := sc.PlatformNames()
	for k, p := range plats {
		n := names[k]
		st["final_freq_a_"+n], st["final_size_"+n] = p.FreqA, p.Size
		if p.Acculturation >= 0 {
			st["acculturation_"+n] = float64(p.Acculturation)
		}
	}
	for _, g := range at {
		i := sort.Search(len(series), func(i int) bool { return series[i].Generation > g }) - 1
		if i < 0 {
			continue
		}
		rows := series[i].Rows
		st["freq_a@"+strconv.Itoa(g)] = rows[0].FreqA
		if len(rows) > 1 {
			for k, n := range names {
				st["freq_a_"+n+"@"+strconv.Itoa(g)] = rows[k+1].FreqA
			}
		}
	}
	return st
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
