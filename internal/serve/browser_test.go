package serve

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
	"github.com/culturesim/culturesim/scenarios"
)

// chromium finds the browser. Without one the browser tests are skipped,
// unless CULTURESIM_BROWSER=1 (as .ci/run sets), which makes that a
// failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CULTURESIM_BROWSER") == "1" {
		t.Fatal("CULTURESIM_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH; set CULTURESIM_BROWSER=1 to require the browser tests")
	return ""
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestBrowser drives the page in headless Chromium: frames arrive at 20
// a second or more for the 100×100 lattice while this process (server and
// test) uses under one core, a slider change reaches the simulation, an
// invalid parameter shows a message, pause stops the updates, a second
// tab has its own simulation and closing tabs ends their sessions, and the
// page asks for nothing beyond the loopback server. It saves a screenshot
// to $CULTURESIM_SCREENSHOT (or the test's temporary directory).
func TestBrowser(t *testing.T) {
	path := chromium(t)
	srv, err := New(nil) // fig4c: the 100×100 lattice
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1500, 1150),
		chromedp.Flag("headless", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	var mu sync.Mutex
	var requests []string
	listen := chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	})
	ctx, cancel := chromedp.NewContext(allocCtx, listen)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()

	ready := chromedp.Poll[bool](`!!(window.culturesim && window.culturesim.session && window.culturesim.frames > 0 && window.culturesim.phases > 0)`,
		chromedp.WithPollingTimeout(20*time.Second))
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/")); err != nil {
		t.Fatalf("page did not load: %v", err)
	}
	if _, err := chromedp.Run(ctx, ready); err != nil {
		t.Fatalf("page did not start: %v", err)
	}
	do := func(c context.Context, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(c, steps...); err != nil {
			t.Fatal(err)
		}
	}
	poll := func(c context.Context, js, what string) {
		t.Helper()
		if _, err := chromedp.Run(c, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	frames := func() int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.culturesim.frames`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Frames at ≥ 20 a second while the server uses under one core.
	do(ctx, chromedp.Click("#play"))
	time.Sleep(300 * time.Millisecond)
	f0, c0, t0 := frames(), cpuTime(), time.Now()
	time.Sleep(3 * time.Second)
	f1, c1, t1 := frames(), cpuTime(), time.Now()
	wall := t1.Sub(t0).Seconds()
	rate, cores := float64(f1-f0)/wall, (c1-c0).Seconds()/wall
	t.Logf("%.1f frames/s for a 100×100 lattice; this process (server + test client) used %.3f cores", rate, cores)
	if rate < 20 {
		t.Errorf("%.1f frames a second, want at least 20", rate)
	}
	if cores >= 1 {
		t.Errorf("the server used %.2f cores, want under one", cores)
	}

	// A slider change reaches the simulation.
	setSlider := func(key string, v float64) {
		t.Helper()
		js := `(() => { const i = document.querySelector('.slider[data-key="` + key + `"] input'); i.value = ` + ftoa(v) + `; i.dispatchEvent(new Event('input')); return true })()`
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err != nil {
			t.Fatal(err)
		}
	}
	setSlider("c", 0.05)
	poll(ctx, `window.culturesim.lastFrame.params[0].params.c === 0.05`, "the c slider reaching the simulation")
	// An invalid combination (b < c) shows a message.
	setSlider("b", 0.01)
	poll(ctx, `document.querySelector('#message.error') !== null`, "an error message for b = 0.01")
	msg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('message').textContent`))
	if err != nil || !strings.Contains(msg, "b = 0.01") {
		t.Errorf("message %q (%v) does not name b = 0.01", msg, err)
	}
	setSlider("b", 1.3)
	poll(ctx, `document.querySelector('#message.error') === null`, "the message to clear after a valid value")

	// A second tab has its own session; closing it ends that session.
	tab2, cancelTab2 := chromedp.NewContext(ctx)
	do(tab2, chromedp.Navigate(ts.URL+"/"))
	if _, err := chromedp.Run(tab2, ready); err != nil {
		t.Fatalf("second tab: %v", err)
	}
	id1, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`window.culturesim.session`))
	id2, _ := chromedp.Run(tab2, chromedp.Evaluate[string](`window.culturesim.session`))
	if id1 == id2 || srv.Sessions() != 2 {
		t.Fatalf("tabs share a session (%q, %q) or the server has %d", id1, id2, srv.Sessions())
	}
	g2, _ := chromedp.Run(tab2, chromedp.Evaluate[int](`window.culturesim.lastFrame.g`))
	if g2 != 0 {
		t.Errorf("the new tab's simulation is at generation %d, want 0 (paused at the start)", g2)
	}
	cancelTab2()
	waitFor(t, func() bool { return srv.Sessions() == 1 }, "closing the second tab to end its session")

	// Pause stops the updates.
	do(ctx, chromedp.Click("#pause"))
	time.Sleep(300 * time.Millisecond)
	p0 := frames()
	time.Sleep(800 * time.Millisecond)
	if p1 := frames(); p1 != p0 {
		t.Errorf("%d frames arrived while paused", p1-p0)
	}

	// The screenshot, then nothing was asked of any other host.
	do(ctx, chromedp.Click("#play"), chromedp.Sleep(1500*time.Millisecond))
	screenshot(t, ctx, "CULTURESIM_SCREENSHOT", "serve.png")
	mu.Lock()
	if len(requests) < 3 {
		t.Errorf("saw only %d requests (the page, its script and style at least): is the listener working?", len(requests))
	}
	for _, u := range requests {
		if !strings.HasPrefix(u, ts.URL) && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s, beyond the loopback server", u)
		}
	}
	mu.Unlock()
	cancel()
	waitFor(t, func() bool { return srv.Sessions() == 0 }, "closing the browser to end every session")
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestBrowserNetwork shows a world of network platforms (tiktok_network):
// each draws its sample of nodes from the frames' node bytes, the phase
// note names the network's effective α, and the feed slider applies to
// networks. It saves a screenshot to $CULTURESIM_NETWORK_SCREENSHOT (or
// the test's temporary directory).
func TestBrowserNetwork(t *testing.T) {
	path := chromium(t)
	sc, err := scenarios.Builtin("tiktok_network")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(sc)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1500, 1150), chromedp.Flag("headless", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/")); err != nil {
		t.Fatalf("page did not load: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(window.culturesim && window.culturesim.frames > 0 && window.culturesim.phases > 0)`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("page did not start: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#play")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	// Every network canvas has drawn nodes of both colours, or at least
	// some coloured pixels, on white.
	coloured, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[...document.querySelectorAll("#world canvas")].map((cv) => {
		const d = cv.getContext("2d").getImageData(0, 0, cv.width, cv.height).data; let n = 0;
		for (let i = 0; i < d.length; i += 4) if (d[i + 1] > d[i] + 40 || d[i] > d[i + 1] + 40) n++;
		return n; })`))
	if err != nil {
		t.Fatal(err)
	}
	if len(coloured) != 2 || coloured[0] < 500 || coloured[1] < 500 {
		t.Errorf("network canvases' coloured pixels %v, want two drawings", coloured)
	}
	heads, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#world h3")].map((h) => h.textContent).join(" | ")`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(heads, "Barabási–Albert graph on 20000 nodes") || !strings.Contains(heads, "Holme–Kim") {
		t.Errorf("platform headings %q do not describe the graphs", heads)
	}
	note, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("phaseNote").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(note, "On a network the diagram uses the effective α = 0.018") {
		t.Errorf("phase note %q does not give tiktok's effective α", note)
	}
	feed, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const r = document.querySelector('#sliders [data-key="feed"]'); return r ? r.querySelector("input").value + (r.querySelector("input").disabled ? " disabled" : "") : "missing"; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if feed != "0.9" {
		t.Errorf("feed slider %q, want 0.9 and enabled", feed)
	}
	screenshot(t, ctx, "CULTURESIM_NETWORK_SCREENSHOT", "network.png")
}

// screenshot saves the page to the file $env names, or to name in the
// test's temporary directory.
func screenshot(t *testing.T, ctx context.Context, env, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	shot := os.Getenv(env)
	if shot == "" {
		shot = filepath.Join(t.TempDir(), name)
	}
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", shot, len(png))
}

// TestBrowserFixationPauses: when a phenotype fixes, play pauses by
// itself with a visible message and a Reset button, which starts again
// at generation 0.
func TestBrowserFixationPauses(t *testing.T) {
	path := chromium(t)
	sc, err := scenarios.Parse("fix.toml", []byte("name = \"fix\"\nseed = 3\ngenerations = 500\n[model]\nb = 1.3\nc = 0.9\nv = 1\nalpha = 0\nta = 0.2\ntb = 0.2\n[population]\nkind = \"wellmixed\"\nsize = 40\n"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(sc)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 1000), chromedp.Flag("headless", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(window.culturesim && window.culturesim.frames > 0)`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#play")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.getElementById("notice").classList.contains("hidden")`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("no notice after fixation: %v", err)
	}
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("noticeText").textContent + " | " + document.getElementById("status").textContent`))
	if !strings.Contains(text, "Fixation at generation") || !strings.Contains(text, "paused") {
		t.Errorf("notice and status: %q", text)
	}
	g1, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`window.culturesim.lastFrame.g`))
	time.Sleep(500 * time.Millisecond)
	if g2, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`window.culturesim.lastFrame.g`)); g2 != g1 {
		t.Errorf("generations went on after the pause: %d → %d", g1, g2)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#noticeReset")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.culturesim.lastFrame.g === 0 && document.getElementById("notice").classList.contains("hidden")`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("Reset did not start again: %v", err)
	}
}

// TestBrowserBeforePlay: before anything is pressed, every slider shows
// the scenario's value with its label and the selection button of the
// scenario is checked (a teacher talks before pressing Play), for every
// built-in scenario with a teaching setting; and the b slider holds b.
func TestBrowserBeforePlay(t *testing.T) {
	path := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 1000), chromedp.Flag("headless", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	for _, name := range []string{"fig4c", "wellmixed_coexistence", "tiktok_refugees"} {
		sc, err := scenarios.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := New(sc)
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		ctx, cancel := chromedp.NewContext(allocCtx)
		ctx, cancelT := context.WithTimeout(ctx, 30*time.Second)
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(window.culturesim && window.culturesim.hello && window.culturesim.frames > 0)`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#sliders > *")].map((r) => r.dataset.key + "=" + r.querySelector("input").value + "|" + r.querySelector("output").textContent)`))
		if err != nil {
			t.Fatal(err)
		}
		pc := sc.Point(0).Platforms[0]
		for _, row := range got {
			key, rest, _ := strings.Cut(row, "=")
			val, label, _ := strings.Cut(rest, "|")
			want, _ := pc.Get(key)
			w := strconv.FormatFloat(want.Num, 'f', -1, 64)
			if key == "alpha" && pc.Kind.Structured() {
				continue // the structure's α, shown disabled
			}
			if val != w || label == "" {
				t.Errorf("%s: slider %s shows %q (label %q) before Play, want %s", name, key, val, label, w)
			}
		}
		checked, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("input[name=selection]:checked") || {}).value || ""`))
		if pc.Kind.Structured() && checked != pc.Lattice.Selection.String() {
			t.Errorf("%s: selection %q checked before Play, want %q", name, checked, pc.Lattice.Selection)
		}
		cancelT()
		cancel()
		ts.Close()
	}
}

// TestBrowserProjector: at 1024×768 (a projector) Play, the lattice, the
// chart and the phase diagram lie within the window, without scrolling;
// at 1920×1080 too. A screenshot goes to $CULTURESIM_PROJECTOR_SCREENSHOT.
func TestBrowserProjector(t *testing.T) {
	path := chromium(t)
	for _, c := range []struct {
		scenario string
		size     [2]int
	}{{"fig4c", [2]int{1024, 768}}, {"fig4c", [2]int{1920, 1080}}, {"tiktok_refugees", [2]int{1024, 768}}, {"tiktok_three_platforms", [2]int{1024, 768}}} {
		size := c.size
		sc, err := scenarios.Builtin(c.scenario)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := New(sc)
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(size[0], size[1]), chromedp.Flag("headless", true))
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(allocCtx)
		ctx, cancelT := context.WithTimeout(ctx, 30*time.Second)
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(size[0]), int64(size[1])), chromedp.Navigate(ts.URL+"/")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(window.culturesim && window.culturesim.frames > 0 && window.culturesim.phases > 0)`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			t.Fatal(err)
		}
		names := []string{"#play", "the population", "#chart", "#phase"}
		boxes, err := chromedp.Run(ctx, chromedp.Evaluate[[][]float64](`[document.querySelector("#play"), ...document.querySelectorAll("#world canvas"), document.querySelector("#chart"), document.querySelector("#phase")].map((e) => {
			const r = e.getBoundingClientRect();
			return [r.left, r.top, r.right, r.bottom, innerWidth, innerHeight]; })`))
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range boxes {
			name := names[min(i, 1)]
			if i == len(boxes)-2 {
				name = names[2]
			} else if i == len(boxes)-1 {
				name = names[3]
			}
			l, tp, r, bt, w, h := b[0], b[1], b[2], b[3], b[4], b[5]
			if l < 0 || tp < 0 || r > w || bt > h || r-l < 50 {
				t.Errorf("%s at %d×%d: %s at (%.0f, %.0f)–(%.0f, %.0f) is not within the %.0f×%.0f window", c.scenario, size[0], size[1], name, l, tp, r, bt, w, h)
			}
		}
		// Nothing overlaps the controls: the population's column ends
		// before the controls begin.
		over, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("#world canvas")].some((e) => e.getBoundingClientRect().right > document.querySelector("#controls").getBoundingClientRect().left + 1)`))
		if over && size[0] == 1024 {
			t.Errorf("%s at 1024×768: a platform's drawing runs under the controls", c.scenario)
		}
		if size[0] == 1024 && c.scenario == "tiktok_refugees" {
			screenshot(t, ctx, "CULTURESIM_PROJECTOR_SCREENSHOT", "projector.png")
		}
		cancelT()
		cancel()
		cancelAlloc()
		ts.Close()
	}
}

// TestBrowserLessonMarks: the chart gets p̂* of a coexistence scenario,
// the header says which parameters differ from the scenario after a
// slider moves (and the chart marks the generation), and the phase note
// describes the (v, c) window in that mode.
func TestBrowserLessonMarks(t *testing.T) {
	path := chromium(t)
	sc, err := scenarios.Builtin("wellmixed_coexistence")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(sc)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1500, 1100), chromedp.Flag("headless", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 40*time.Second)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/")); err != nil {
		t.Fatal(err)
	}
	poll := func(js, what string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	poll(`!!(window.culturesim && window.culturesim.frames > 0 && window.culturesim.phases > 0)`, "page start")
	if ps, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.culturesim.lastPhase.pstar`)); ps < 0.45 || ps > 0.55 {
		t.Errorf("p̂* sent to the chart: %g, want about 0.49 (Figure 3d's orange curve)", ps)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#step")); err != nil {
		t.Fatal(err)
	}
	poll(`window.culturesim.lastFrame.g >= 1`, "a step")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(window.culturesim.post({action: "set", platform: 0, params: {c: 0.3}}), true)`)); err != nil {
		t.Fatal(err)
	}
	poll(`document.getElementById("scenario").textContent.includes("changed from the scenario: c = 0.3")`, "header after a slider move")
	if err := chromedp.Do(ctx, chromedp.Click(`input[name=phase][value=v]`)); err != nil {
		t.Fatal(err)
	}
	poll(`document.getElementById("phaseNote").textContent.includes("every v in [0, 1]")`, "the (v, c) note")
}

// TestBrowserScenarioPicker: the picker loads a built-in (the page
// rebuilds for its platforms); an uploaded file with errors shows the
// command line's message, line by line; one naming an edge list is
// refused; a good upload runs.
func TestBrowserScenarioPicker(t *testing.T) {
	path := chromium(t)
	srv, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1500, 1100), chromedp.Flag("headless", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/")); err != nil {
		t.Fatal(err)
	}
	poll := func(js, what string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	poll(`!!(window.culturesim && window.culturesim.frames > 0)`, "page start")
	if err := chromedp.Do(ctx, chromedp.SetValue("#scenarioPick", "tiktok_refugees"), chromedp.Evaluate[chromedp.Void](`document.getElementById("scenarioPick").onchange()`)); err != nil {
		t.Fatal(err)
	}
	poll(`window.culturesim.hello.scenario === "tiktok_refugees" && document.querySelectorAll("#world .platform").length === 2`, "the picker's scenario")

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	src := "[model]\nb = 1.3\nc = 2\nv = 1\nalpha = 0.5\nta = 0.3\ntb = 0.3\n[population]\nkind = \"wellmixed\"\nsize = 1\n"
	if err := os.WriteFile(bad, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, cliErr := scenarios.Load(bad)
	if cliErr == nil {
		t.Fatal("the bad file parses")
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles("#upload", []string{bad})); err != nil {
		t.Fatal(err)
	}
	poll(`document.getElementById("message").textContent.includes("invalid scenario")`, "the upload's errors")
	msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("message").textContent`))
	for _, line := range strings.Split(strings.TrimSpace(cliErr.Error()), "\n") {
		// The command line names the path; the page the file's name.
		if want := strings.Replace(strings.TrimSpace(line), bad, "bad.toml", 1); !strings.Contains(msg, want) {
			t.Errorf("the page's message %q lacks the command line's %q", msg, want)
		}
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(window.culturesim.loadScenarioText("net.toml", "[model]\nb = 1.3\nc = 0.05\nv = 1\nta = 0.3\ntb = 0.3\n[population]\nkind = \"network\"\ngraph = \"edges\"\nedges = \"/etc/passwd\"\n"), true)`)); err != nil {
		t.Fatal(err)
	}
	poll(`document.getElementById("message").textContent.includes("an uploaded scenario cannot read files on the server")`, "an upload naming a file")
	good := "name = \"mine\"\n[model]\nb = 1.3\nc = 0.05\nv = 1\nalpha = 0.5\nta = 0.3\ntb = 0.3\n[population]\nkind = \"wellmixed\"\nsize = 500\n"
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(window.culturesim.loadScenarioText("mine.toml", `+strconv.Quote(good)+`), true)`)); err != nil {
		t.Fatal(err)
	}
	poll(`window.culturesim.hello.scenario === "mine" && document.getElementById("scenarioPick").selectedOptions[0].textContent === "mine (uploaded)"`, "a good upload")
}

// TestBrowserStructure: the structure controls rebuild the population:
// a 40×40 lattice starting at 90 % cooperators; a bad value shows the
// engine's message and keeps the world.
func TestBrowserStructure(t *testing.T) {
	path := chromium(t)
	srv, err := New(nil) // fig4c: 100×100
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1500, 1100), chromedp.Flag("headless", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 40*time.Second)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/")); err != nil {
		t.Fatal(err)
	}
	poll := func(js, what string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	poll(`!!(window.culturesim && window.culturesim.frames > 0)`, "page start")
	keys, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#structureFields .field")].map((r) => r.dataset.key).join(" ")`))
	for _, k := range []string{"size", "initial_a", "neighborhood", "radius", "boundary", "rounds"} {
		if !strings.Contains(" "+keys+" ", " "+k+" ") {
			t.Errorf("structure controls %q lack %s", keys, k)
		}
	}
	set := func(key, v string) string {
		return `document.querySelector('#structureFields [data-key="` + key + `"] input, #structureFields [data-key="` + key + `"] select').value = "` + v + `";`
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { `+set("size", "40")+set("initial_a", "0.9")+` window.culturesim.rebuild(); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	poll(`document.querySelector("#world canvas").width === 40 && window.culturesim.lastFrame.platforms[0].size === 1600`, "a 40×40 lattice")
	if a, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.culturesim.lastFrame.platforms[0].a / 1600`)); a < 0.85 || a > 0.95 {
		t.Errorf("rebuilt with initial_a 0.9: frequency %g", a)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { `+set("radius", "45")+` window.culturesim.rebuild(); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	poll(`document.getElementById("message").textContent.includes("radius")`, "a radius beyond the side")
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`window.culturesim.lastFrame.platforms[0].size`)); n != 1600 {
		t.Errorf("a refused rebuild changed the world: %d agents", n)
	}
}

// TestBrowserDownloads: the CSV button's series, after 200 generations
// of fig4c with its seed, equals culturesim run's series.csv for the
// same seed (its first columns, every row); the PNG button makes an
// image of the view.
func TestBrowserDownloads(t *testing.T) {
	path := chromium(t)
	sc, err := scenarios.Builtin("fig4c")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(sc)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	// The run: fig4c for 200 generations, seed and streams unchanged.
	short, err := scenarios.Parse(sc.File, []byte(strings.Replace(sc.Source, "generations = 10000", "generations = 200", 1)))
	if err != nil || short.Run.Generations != 200 {
		t.Fatalf("fig4c for 200 generations: %v (%d)", err, short.Run.Generations)
	}
	dir := t.TempDir()
	if _, err := execute.Run(context.Background(), short, execute.Options{Dir: dir, Kind: artifact.KindRun, Selection: artifact.Selection{Point: 0, Replicate: 0}, RecordEvery: 1}); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(dir, artifact.SeriesCSVFile))
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1500, 1100), chromedp.Flag("headless", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(window.culturesim && window.culturesim.frames > 0)`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(window.culturesim.post({action: "step", steps: 200}), true)`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.culturesim.lastFrame.g === 200`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch("api/series.csv?session=" + window.culturesim.session).then((r) => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	gl, wl := strings.Split(strings.TrimSpace(got), "\n"), strings.Split(strings.TrimSpace(string(want)), "\n")
	if len(gl) != len(wl) || len(gl) != 202 {
		t.Fatalf("the page's CSV has %d lines, the run's %d (want 202: a header, 200 generations, the end)", len(gl), len(wl))
	}
	for i := range gl {
		if !strings.HasPrefix(wl[i], gl[i]) {
			t.Fatalf("line %d: the page's %q is not the run's %q", i, gl[i], wl[i])
		}
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.culturesim.savePNG()`))
	if err != nil || n < 10_000 {
		t.Errorf("the PNG's data URL: %d characters, %v", n, err)
	}
}

// TestBrowserPlatforms: tiktok_refugees played past its ban shows the
// refugees on xiaohongshu, the ban's mark on the chart, and both
// platforms' drawings. A screenshot goes to
// $CULTURESIM_PLATFORMS_SCREENSHOT (docs/teaching-mode-platforms.png).
func TestBrowserPlatforms(t *testing.T) {
	path := chromium(t)
	sc, err := scenarios.Builtin("tiktok_refugees")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(sc)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1500, 1150), chromedp.Flag("headless", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(window.culturesim && window.culturesim.frames > 0)`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatal(err)
	}
	for range 45 { // one generation a frame, so that the chart has every one
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(window.culturesim.post({action: "step"}), true)`)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(60 * time.Millisecond)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.culturesim.lastFrame.g >= 45 && window.culturesim.lastFrame.platforms[1].migrants > 0`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("no refugees on xiaohongshu after the ban: %v", err)
	}
	if evs, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`window.culturesim.hello.events.length`)); evs != 1 {
		t.Errorf("the chart has %d scenario events, want the ban", evs)
	}
	screenshot(t, ctx, "CULTURESIM_PLATFORMS_SCREENSHOT", "platforms.png")
}

// TestStaticSite: the site culturesim site writes runs the engine in the
// browser (WebAssembly) with nothing but a static file server: every
// request goes to it, the 100×100 lattice plays at 25 frames a second or
// more, and after a reset the first 200 generations are those of
// culturesim run with the same seed (the series' CSV, row for row). It
// logs the engine's size (gzip) and load time.
func TestStaticSite(t *testing.T) {
	path := chromium(t)
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go toolchain to build the site")
	}
	dir := t.TempDir()
	n, err := WriteSite(context.Background(), dir, "fig4c")
	if err != nil {
		t.Fatal(err)
	}
	wasm, _ := os.ReadFile(filepath.Join(dir, "culturesim.wasm"))
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(wasm)
	zw.Close()
	t.Logf("culturesim.wasm: %.1f MB, %.1f MB gzipped", float64(n)/1e6, float64(gz.Len())/1e6)
	ts := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer ts.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1500, 1100), chromedp.Flag("headless", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	var mu sync.Mutex
	var requests []string
	listen := chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	})
	ctx, cancel := chromedp.NewContext(allocCtx, listen)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 120*time.Second)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(window.culturesim && window.culturesim.frames > 0 && window.culturesim.phases > 0)`, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		t.Fatalf("the static page did not start: %v", err)
	}
	load, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.culturesim.wasmLoadMs`))
	t.Logf("engine loaded and started in %.0f ms", load)
	frames := func() int {
		n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`window.culturesim.frames`))
		return n
	}
	if err := chromedp.Do(ctx, chromedp.Click("#play")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	f0, t0 := frames(), time.Now()
	time.Sleep(3 * time.Second)
	rate := float64(frames()-f0) / time.Since(t0).Seconds()
	t.Logf("%.1f frames/s for the 100×100 lattice in WebAssembly", rate)
	if rate < 25 {
		t.Errorf("%.1f frames a second, want 25 or more", rate)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(window.culturesim.post({action: "pause"}), window.culturesim.post({action: "reset"}), window.culturesim.post({action: "step", steps: 200}), true)`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.culturesim.lastFrame.g === 200`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.culturesimWasm.seriesCSV()`))
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := scenarios.Builtin("fig4c")
	short, err := scenarios.Parse(sc.File, []byte(strings.Replace(sc.Source, "generations = 10000", "generations = 200", 1)))
	if err != nil {
		t.Fatal(err)
	}
	rdir := t.TempDir()
	if _, err := execute.Run(context.Background(), short, execute.Options{Dir: rdir, Kind: artifact.KindRun, Selection: artifact.Selection{Point: 0, Replicate: 0}, RecordEvery: 1}); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(filepath.Join(rdir, artifact.SeriesCSVFile))
	gl, wl := strings.Split(strings.TrimSpace(got), "\n"), strings.Split(strings.TrimSpace(string(want)), "\n")
	if len(gl) != len(wl) {
		t.Fatalf("the site's series has %d lines, the run's %d", len(gl), len(wl))
	}
	for i := range gl {
		if !strings.HasPrefix(wl[i], gl[i]) {
			t.Fatalf("line %d: the site's %q is not the run's %q", i, gl[i], wl[i])
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, u := range requests {
		if !strings.HasPrefix(u, ts.URL) && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("the static page asked for %s, beyond its static server", u)
		}
	}
}
