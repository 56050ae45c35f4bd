package serve

import (
	"context"
	"github.com/culturesim/culturesim/internal/testgate"
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
	if testgate.Browser.Enabled() {
		t.Fatal("CULTURESIM_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
	}
	testgate.Skipped(testgate.Browser)
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

// TestMain reports the suites skipped here (testgate).
func TestMain(m *testing.M) { os.Exit(testgate.Main(m)) }
