package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/culturesim/culturesim/scenarios"
)

// client reads a session's event stream.
type client struct {
	t      *testing.T
	cancel context.CancelFunc
	events chan event
	hello  Hello
	url    string
	hc     *http.Client // its cookies: a classroom's participant
}

type event struct {
	name string
	data []byte
}

func open(t *testing.T, ts *httptest.Server) *client {
	t.Helper()
	return openWith(t, ts.Client(), ts.URL)
}

// openWith opens a stream with an HTTP client of its own (its cookies).
func openWith(t *testing.T, hc *http.Client, base string) *client {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/stream", nil)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q (status %s)", ct, resp.Status)
	}
	c := &client{t: t, cancel: cancel, events: make(chan event, 1000), url: base, hc: hc}
	go func() {
		defer resp.Body.Close()
		defer close(c.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		var ev event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = []byte(line[6:])
			case line == "":
				select {
				case c.events <- ev:
				default: // a slow test drops frames, as a slow browser would not
				}
				ev = event{}
			}
		}
	}()
	e := c.next("hello", 5*time.Second)
	if err := json.Unmarshal(e.data, &c.hello); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	return c
}

// next waits for the next event of the given name.
func (c *client) next(name string, timeout time.Duration) event {
	c.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case e, ok := <-c.events:
			if !ok {
				c.t.Fatalf("stream closed waiting for %s", name)
			}
			if e.name == name {
				return e
			}
		case <-deadline:
			c.t.Fatalf("no %s event within %v", name, timeout)
		}
	}
}

func (c *client) frame(timeout time.Duration) Frame {
	c.t.Helper()
	var f Frame
	if err := json.Unmarshal(c.next("frame", timeout).data, &f); err != nil {
		c.t.Fatal(err)
	}
	return f
}

// post sends a control and returns the status and error message.
func (c *client) post(body string) (int, string) {
	c.t.Helper()
	resp, err := c.hc.Post(c.url+"/api/control?session="+c.hello.Session, "application/json", strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r map[string]any
	json.NewDecoder(resp.Body).Decode(&r)
	msg, _ := r["error"].(string)
	return resp.StatusCode, msg
}

func newServer(t *testing.T, name string) (*Server, *httptest.Server) {
	t.Helper()
	var sc *scenarios.Scenario
	if name != "" {
		var err error
		if sc, err = scenarios.Builtin(name); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := New(sc)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts
}

func TestPageIsEmbedded(t *testing.T) {
	_, ts := newServer(t, "")
	for _, path := range []string{"/", "/app.js", "/style.css"} {
		resp, err := http.Get(ts.URL + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v %v", path, err, resp.Status)
		}
		resp.Body.Close()
	}
}

func TestSessionPlaysPausesAndTakesParameters(t *testing.T) {
	srv, ts := newServer(t, "")
	c := open(t, ts)
	if len(c.hello.Platforms) != 1 || !c.hello.Platforms[0].Lattice || c.hello.Platforms[0].Size != 100 {
		t.Fatalf("hello %+v", c.hello)
	}
	f := c.frame(2 * time.Second)
	if f.Generation != 0 || len(f.Platforms[0].Sites) == 0 {
		t.Fatalf("first frame: generation %d, %d bytes of sites", f.Generation, len(f.Platforms[0].Sites))
	}
	if code, msg := c.post(`{"action":"play"}`); code != 200 {
		t.Fatalf("play: %d %s", code, msg)
	}
	// At 25 frames a second, 10 frames take 0.4 s.
	start := time.Now()
	for range 10 {
		f = c.frame(time.Second)
	}
	if el := time.Since(start); el > 800*time.Millisecond || f.Generation < 5 {
		t.Fatalf("10 frames in %v, at generation %d", el, f.Generation)
	}
	// A parameter change reaches the simulation, which keeps its agents.
	if code, msg := c.post(`{"action":"set","platform":0,"params":{"c":0.05,"selection":"local"}}`); code != 200 {
		t.Fatalf("set: %d %s", code, msg)
	}
	c.next("phase", time.Second)
	g := f.Generation
	for f = c.frame(time.Second); f.Params[0].Params["c"] != 0.05; f = c.frame(time.Second) {
	}
	if f.Params[0].Params["selection"] != "local" || f.Generation < g {
		t.Fatalf("after set: %+v at generation %d (was %d)", f.Params[0], f.Generation, g)
	}
	// Invalid parameters are refused with a message naming them.
	if code, msg := c.post(`{"action":"set","platform":0,"params":{"c":1.5}}`); code != 400 || !strings.Contains(msg, "c = 1.5") {
		t.Fatalf("c = 1.5: %d %q", code, msg)
	}
	if code, msg := c.post(`{"action":"set","params":{"b":0.01}}`); code != 400 || !strings.Contains(msg, "b = 0.01") {
		t.Fatalf("b < c: %d %q", code, msg)
	}
	if code, msg := c.post(`{"action":"fly"}`); code != 400 || !strings.Contains(msg, "unknown action") {
		t.Fatalf("unknown action: %d %q", code, msg)
	}
	// Pause stops the frames.
	if code, _ := c.post(`{"action":"pause"}`); code != 200 {
		t.Fatal("pause refused")
	}
	time.Sleep(100 * time.Millisecond) // frames already sent may still arrive
	for len(c.events) > 0 {
		<-c.events
	}
	select {
	case e := <-c.events:
		t.Fatalf("a %s event after pause", e.name)
	case <-time.After(400 * time.Millisecond):
	}
	// Step plays exactly one generation.
	before := srv.sessionGeneration(c.hello.Session)
	c.post(`{"action":"step"}`)
	if f = c.frame(time.Second); f.Generation != before+1 {
		t.Fatalf("step: generation %d after %d", f.Generation, before)
	}
	// Reset with a seed starts again.
	c.post(`{"action":"reset","seed":7}`)
	if f = c.frame(time.Second); f.Generation != 0 || f.Seed != 7 {
		t.Fatalf("reset: generation %d seed %d", f.Generation, f.Seed)
	}
}

// sessionGeneration reads a live session's generation (tests).
func (s *Server) sessionGeneration(id string) int {
	s.mu.Lock()
	ses := s.sessions[id]
	s.mu.Unlock()
	ses.mu.Lock()
	defer ses.mu.Unlock()
	return ses.world.Generation()
}

func TestTabsAreIndependentAndClosingStopsThem(t *testing.T) {
	srv, ts := newServer(t, "tiktok_refugees")
	a, b := open(t, ts), open(t, ts)
	if n := sessionGoroutines(); n != 2 {
		t.Fatalf("%d session goroutines for 2 tabs", n)
	}
	if a.hello.Session == b.hello.Session || srv.Sessions() != 2 {
		t.Fatalf("sessions %q and %q, %d live", a.hello.Session, b.hello.Session, srv.Sessions())
	}
	a.post(`{"action":"play"}`)
	fa := a.frame(2 * time.Second)
	for fa.Generation < 3 {
		fa = a.frame(2 * time.Second)
	}
	if g := srv.sessionGeneration(b.hello.Session); g != 0 {
		t.Fatalf("playing tab a advanced tab b to generation %d", g)
	}
	// A migration event from the page.
	if code, msg := a.post(`{"action":"event","event":{"from":0,"to":1,"fraction":0.5}}`); code != 200 {
		t.Fatalf("event: %d %s", code, msg)
	}
	if code, msg := a.post(`{"action":"event","event":{"from":0,"to":7,"fraction":0.5}}`); code != 400 || !strings.Contains(msg, "platform 7") {
		t.Fatalf("bad event: %d %q", code, msg)
	}
	for {
		f := a.frame(2 * time.Second)
		if f.Platforms[1].Migrants > 0 {
			if f.Platforms[0].Size+f.Platforms[1].Size != 150_000 {
				t.Fatalf("sizes %d + %d", f.Platforms[0].Size, f.Platforms[1].Size)
			}
			break
		}
	}
	// Closing the tabs ends their sessions and goroutines.
	a.cancel()
	b.cancel()
	deadline := time.Now().Add(3 * time.Second)
	for srv.Sessions() > 0 || sessionGoroutines() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions and %d session goroutines after closing both tabs:\n%s", srv.Sessions(), sessionGoroutines(), stacks())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if started, ended := srv.Counts(); started != 2 || ended != 2 {
		t.Fatalf("started %d, ended %d", started, ended)
	}
	if code, _ := a.post(`{"action":"play"}`); code != 404 {
		t.Fatalf("a closed session answered %d", code)
	}
}

func stacks() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

// sessionGoroutines counts the goroutines running a session's loop.
func sessionGoroutines() int {
	return strings.Count(stacks(), "internal/serve.(*session).run(")
}

func TestPhaseDiagramMarksTheRegion(t *testing.T) {
	_, ts := newServer(t, "wellmixed_coexistence")
	c := open(t, ts)
	var ph Phase
	json.Unmarshal(c.next("phase", time.Second).data, &ph)
	if ph.Outcome != "coexistence" || len(ph.Cells) != ph.NX*ph.NY || !strings.Contains(ph.Cells, "2") {
		t.Fatalf("phase %+v", ph)
	}
	c.post(`{"action":"set","platform":0,"phase":"v"}`)
	json.Unmarshal(c.next("phase", time.Second).data, &ph)
	if ph.Mode != "v" || ph.PX != 1 {
		t.Fatalf("v mode: %+v", ph.Mode)
	}
}

// Regressions from review: pause is reported in a frame; a long step
// request keeps the session responsive; triggered events do not survive
// reset; a huge b and trailing junk are refused; a loopback-only server
// refuses other Host names.
func TestSessionReviewRegressions(t *testing.T) {
	srv, ts := newServer(t, "tiktok_refugees")
	c := open(t, ts)
	c.frame(time.Second)
	c.post(`{"action":"play"}`)
	for f := c.frame(time.Second); !f.Running; f = c.frame(time.Second) {
	}
	c.post(`{"action":"pause"}`)
	for f := c.frame(time.Second); f.Running; f = c.frame(time.Second) {
	}
	// 2,000 generations of 150,000 agents take many seconds; a pause
	// must still be answered at once.
	if code, msg := c.post(`{"action":"step","steps":2000}`); code != 200 {
		t.Fatalf("step: %d %s", code, msg)
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	c.post(`{"action":"reset"}`)
	if el := time.Since(start); el > 500*time.Millisecond {
		t.Fatalf("a control waited %v behind a long step", el)
	}
	// A triggered event acts once, and not again after a reset.
	c.post(`{"action":"step","steps":2}`)
	if code, msg := c.post(`{"action":"event","event":{"from":0,"to":1,"fraction":0.5}}`); code != 200 {
		t.Fatalf("event: %d %s", code, msg)
	}
	c.post(`{"action":"reset"}`)
	c.post(`{"action":"step","steps":5}`)
	for {
		f := c.frame(2 * time.Second)
		if f.Generation == 5 {
			if f.Platforms[1].Migrants != 0 {
				t.Fatalf("after reset, %d migrants on platform 1 before the scenario's ban", f.Platforms[1].Migrants)
			}
			break
		}
	}
	if code, msg := c.post(`{"action":"set","params":{"b":1e308}}`); code != 400 || !strings.Contains(msg, "b = 1e+308") {
		t.Errorf("huge b: %d %q", code, msg)
	}
	if code, _ := c.post(`{"action":"play"} junk`); code != 400 {
		t.Errorf("trailing junk: %d", code)
	}
	srv.RestrictToLoopback()
	req, _ := http.NewRequest("GET", ts.URL+"/", nil)
	req.Host = "evil.example:80"
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("Host evil.example answered %d", resp.StatusCode)
	}
	resp, err = http.Get(ts.URL + "/")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("loopback refused: %v", err)
	}
}
