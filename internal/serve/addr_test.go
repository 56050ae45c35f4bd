package serve

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/culturesim/culturesim/scenarios"
)

// An unspecified host is shown as this machine's name (never "[::]"), a
// named one as given; a port in use is a BusyError naming it.
func TestPageURLAndBusyPort(t *testing.T) {
	host, _ := os.Hostname()
	if host == "" {
		host = "localhost"
	}
	for _, c := range []struct{ asked, bound, want string }{
		{"0.0.0.0:8080", "[::]:8080", "http://" + net.JoinHostPort(host, "8080") + "/"},
		{":9000", "[::]:9000", "http://" + net.JoinHostPort(host, "9000") + "/"},
		{"127.0.0.1:0", "127.0.0.1:43210", "http://127.0.0.1:43210/"},
		{"localhost:8080", "127.0.0.1:8080", "http://localhost:8080/"},
	} {
		if got := PageURL(c.asked, c.bound); got != c.want {
			t.Errorf("PageURL(%q, %q) = %q, want %q", c.asked, c.bound, got, c.want)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	srv, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	err = ListenAndServe(context.Background(), ln.Addr().String(), srv, nil)
	var busy *BusyError
	if !errors.As(err, &busy) || !strings.Contains(err.Error(), "is in use by another program") || !strings.Contains(err.Error(), "--addr") {
		t.Errorf("a busy port: %v", err)
	}
}

// Play pauses at the scenario's last generation once (Play goes on past
// it), and at fixation once per reset, only under the stop rule
// "fixation".
func TestPauseIfDone(t *testing.T) {
	sc, err := scenarios.Parse("g.toml", []byte("name = \"g\"\ngenerations = 5\n[model]\nb = 1.3\nc = 0.05\nv = 1\nalpha = 0.5\nta = 0.3\ntb = 0.3\n[population]\nkind = \"wellmixed\"\nsize = 200\nstop = \"generations\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSession(sc, "x")
	if err != nil {
		t.Fatal(err)
	}
	s.running = true
	for range 5 {
		s.world.Step(s.r)
		s.pauseIfDone()
	}
	if s.running || !strings.Contains(s.notice, "Generation 5: the scenario's last generation") {
		t.Fatalf("at generation 5: running %v, notice %q", s.running, s.notice)
	}
	if err := s.apply(Control{Action: "play"}); err != nil || s.notice != "" {
		t.Fatalf("play: %v, notice %q", err, s.notice)
	}
	for range 3 {
		s.world.Step(s.r)
		s.pauseIfDone()
	}
	if !s.running {
		t.Errorf("paused again past the last generation: %q", s.notice)
	}
}

// Every built-in scenario's parameters lie within the page's sliders, so
// that loading one never shows a slider pinned at its end (b = 12 of
// wellmixed_coexistence).
func TestSlidersHoldBuiltins(t *testing.T) {
	byKey := map[string]Slider{}
	for _, s := range sliders() {
		byKey[s.Key] = s
	}
	for _, name := range scenarios.BuiltinNames() {
		sc, err := scenarios.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		for i := range sc.NumPoints() {
			for _, pc := range sc.Point(i).Platforms {
				for key, s := range byKey {
					v, _ := pc.Get(key)
					if s.WellMixedOnly && pc.Kind.Structured() || s.StructuredOnly && !pc.Kind.Structured() {
						continue
					}
					if v.Num < s.Min-1e-12 || v.Num > s.Max+1e-12 {
						t.Errorf("%s point %d, %s: %s = %g outside the slider's [%g, %g]", name, i, pc.Name, key, v.Num, s.Min, s.Max)
					}
				}
			}
		}
	}
}

// The page cannot make the server build or play more than a teaching
// world: a rebuild or an upload beyond the bounds is refused before any
// neighbour list or graph is built (quickly, whatever it asked for).
func TestPageBounds(t *testing.T) {
	s, err := newSession(mustBuiltin(t, "fig4c"), "x")
	if err != nil {
		t.Fatal(err)
	}
	for _, params := range []map[string]any{
		{"size": 2000, "radius": 127},  // 4·10⁶ sites × 65,024 neighbours
		{"size": 2000, "rounds": 7281}, // minutes a generation
		{"size": 40000},                // 1.6·10⁹ sites
	} {
		start := time.Now()
		err := s.apply(Control{Action: "structure", Platform: 0, Params: params})
		if err == nil || time.Since(start) > time.Second {
			t.Errorf("structure %v: %v after %v, want a quick refusal", params, err, time.Since(start))
		}
	}
	if s.world.Size() != 10000 {
		t.Errorf("a refused rebuild changed the world: %d agents", s.world.Size())
	}
	model := "[model]\nb = 1.3\nc = 0.05\nv = 1\nta = 0.3\ntb = 0.3\n"
	for name, src := range map[string]string{
		"huge regular graph": model + "[population]\nkind = \"network\"\ngraph = \"regular\"\nsize = 100000000\ndegree = 4\n",
		"dense graph":        model + "[population]\nkind = \"network\"\ngraph = \"gnp\"\nsize = 900000\np = 0.5\n",
		"big sweep":          model + "alpha = 0.5\n[population]\nkind = \"wellmixed\"\nsize = 100\n[sweep]\nc = {from = 0, to = 0.2, n = 2000}\n",
	} {
		start := time.Now()
		err := s.apply(Control{Action: "scenario", File: "big.toml", TOML: src})
		if err == nil || time.Since(start) > 2*time.Second {
			t.Errorf("%s: %v after %v, want a quick refusal", name, err, time.Since(start))
		}
	}
}

func mustBuiltin(t *testing.T, name string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}
