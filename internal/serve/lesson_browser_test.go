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
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
	"github.com/culturesim/culturesim/scenarios"
)

// Browser tests of the lesson: each opens the page on a test server in
// headless Chromium (see chromium) through page.

// page is a page open in headless Chromium.
type page struct {
	t        *testing.T
	ctx      context.Context
	url      string
	mu       sync.Mutex
	requests []string // every URL the page asked for
}

// openPage serves h on a loopback test server (nil: a scenario's teaching
// server, scenario sc, nil for fig4c), opens it at w×h pixels and waits
// for its first frame and phase diagram. Everything closes with the test.
func openPage(t *testing.T, sc *scenarios.Scenario, handler http.Handler, w, h int) *page {
	t.Helper()
	path := chromium(t)
	if handler == nil {
		srv, err := New(sc)
		if err != nil {
			t.Fatal(err)
		}
		handler = srv
	}
	ts := httptest.NewServer(handler)
	t.Cleanup(ts.Close)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(w, h), chromedp.Flag("headless", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	p := &page{t: t, url: ts.URL}
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			p.mu.Lock()
			p.requests = append(p.requests, e.Request.URL)
			p.mu.Unlock()
		}
	}))
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(cancelT)
	p.ctx = ctx
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(w), int64(h)), chromedp.Navigate(ts.URL+"/")); err != nil {
		t.Fatalf("the page did not load: %v", err)
	}
	p.poll(`!!(window.culturesim && window.culturesim.frames > 0 && window.culturesim.phases > 0)`, "the page's start", 60*time.Second)
	return p
}

// poll waits until js is true.
func (p *page) poll(js, what string, timeout ...time.Duration) {
	p.t.Helper()
	d := 15 * time.Second
	if len(timeout) > 0 {
		d = timeout[0]
	}
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(d))); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// do runs JavaScript for its effect (a promise it returns is not awaited).
func (p *page) do(js string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`(() => { `+js+`; return true; })()`)); err != nil {
		p.t.Fatal(err)
	}
}

// click clicks an element.
func (p *page) click(sel string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Click(sel)); err != nil {
		p.t.Fatal(err)
	}
}

func evalJS[T any](p *page, js string, opts ...chromedp.EvaluateOption) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return v
}

var generationsLine = regexp.MustCompile(`(?m)^generations\s*=\s*\d+`)

// runSeries is culturesim run's series.csv for the first generations of
// a built-in scenario (its seed, every generation recorded, replicate 0).
func runSeries(t *testing.T, name string, generations int) []string {
	t.Helper()
	sc, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	src := generationsLine.ReplaceAllString(sc.Source, "generations = "+strconv.Itoa(generations))
	short, err := scenarios.Parse(sc.File, []byte(src))
	if err != nil || short.Run.Generations != generations {
		t.Fatalf("%s for %d generations: %v", name, generations, err)
	}
	dir := t.TempDir()
	if _, err := execute.Run(context.Background(), short, execute.Options{Dir: dir, Kind: artifact.KindRun, Selection: artifact.Selection{Point: 0, Replicate: 0}, RecordEvery: 1}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, artifact.SeriesCSVFile))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// sameSeries checks that a page's series CSV is the run's, row for row
// (its first columns: the run's adds the parameters).
func sameSeries(t *testing.T, got string, want []string) {
	t.Helper()
	gl := strings.Split(strings.TrimSpace(got), "\n")
	if len(gl) != len(want) {
		t.Fatalf("the page's series has %d lines, the run's %d", len(gl), len(want))
	}
	for i := range gl {
		if !strings.HasPrefix(want[i], gl[i]) {
			t.Fatalf("line %d: the page's %q is not the run's %q", i, gl[i], want[i])
		}
	}
}

// TestBrowserNetwork shows a world of network platforms (tiktok_network):
// each draws its sample of nodes, the headings describe the graphs, the
// phase note names the network's effective α, and the feed slider
// applies. Screenshot: $CULTURESIM_NETWORK_SCREENSHOT.
func TestBrowserNetwork(t *testing.T) {
	sc, err := scenarios.Builtin("tiktok_network")
	if err != nil {
		t.Fatal(err)
	}
	p := openPage(t, sc, nil, 1500, 1150)
	p.click("#play")
	time.Sleep(1500 * time.Millisecond)
	coloured := evalJS[[]int](p, `[...document.querySelectorAll("#world canvas")].map((cv) => {
		const d = cv.getContext("2d").getImageData(0, 0, cv.width, cv.height).data; let n = 0;
		for (let i = 0; i < d.length; i += 4) if (d[i + 1] > d[i] + 40 || d[i] > d[i + 1] + 40) n++;
		return n; })`)
	if len(coloured) != 2 || coloured[0] < 500 || coloured[1] < 500 {
		t.Errorf("network canvases' coloured pixels %v, want two drawings", coloured)
	}
	if heads := evalJS[string](p, `[...document.querySelectorAll("#world h3")].map((h) => h.textContent).join(" | ")`); !strings.Contains(heads, "Barabási–Albert graph on 20000 nodes") || !strings.Contains(heads, "Holme–Kim") {
		t.Errorf("platform headings %q do not describe the graphs", heads)
	}
	if note := evalJS[string](p, `document.getElementById("phaseNote").textContent`); !strings.Contains(note, "On a network the diagram uses the effective α = 0.018") {
		t.Errorf("phase note %q does not give tiktok's effective α", note)
	}
	if feed := evalJS[string](p, `(() => { const r = document.querySelector('#sliders [data-key="feed"]'); return r ? r.querySelector("input").value + (r.querySelector("input").disabled ? " disabled" : "") : "missing"; })()`); feed != "0.9" {
		t.Errorf("feed slider %q, want 0.9 and enabled", feed)
	}
	screenshot(t, p.ctx, "CULTURESIM_NETWORK_SCREENSHOT", "network.png")
}

// TestBrowserFixationPauses: when a phenotype fixes, play pauses by
// itself with a visible message and a Reset button, which starts again
// at generation 0.
func TestBrowserFixationPauses(t *testing.T) {
	sc, err := scenarios.Parse("fix.toml", []byte("name = \"fix\"\nseed = 3\ngenerations = 500\n[model]\nb = 1.3\nc = 0.9\nv = 1\nalpha = 0\nta = 0.2\ntb = 0.2\n[population]\nkind = \"wellmixed\"\nsize = 40\n"))
	if err != nil {
		t.Fatal(err)
	}
	p := openPage(t, sc, nil, 1280, 1000)
	p.click("#play")
	p.poll(`!document.getElementById("notice").classList.contains("hidden")`, "a notice after fixation", 30*time.Second)
	if text := evalJS[string](p, `document.getElementById("noticeText").textContent + " | " + document.getElementById("status").textContent`); !strings.Contains(text, "Fixation at generation") || !strings.Contains(text, "paused") {
		t.Errorf("notice and status: %q", text)
	}
	g1 := evalJS[int](p, `window.culturesim.lastFrame.g`)
	time.Sleep(500 * time.Millisecond)
	if g2 := evalJS[int](p, `window.culturesim.lastFrame.g`); g2 != g1 {
		t.Errorf("generations went on after the pause: %d → %d", g1, g2)
	}
	p.click("#noticeReset")
	p.poll(`window.culturesim.lastFrame.g === 0 && document.getElementById("notice").classList.contains("hidden")`, "Reset starting again")
}

// TestBrowserBeforePlay: before anything is pressed, every slider shows
// the scenario's value with its label and the scenario's selection is
// checked (a teacher talks before pressing Play).
func TestBrowserBeforePlay(t *testing.T) {
	for _, name := range []string{"fig4c", "wellmixed_coexistence", "tiktok_refugees"} {
		sc, err := scenarios.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		p := openPage(t, sc, nil, 1280, 1000)
		pc := sc.Point(0).Platforms[0]
		for _, row := range evalJS[[]string](p, `[...document.querySelectorAll("#sliders > *")].map((r) => r.dataset.key + "=" + r.querySelector("input").value + "|" + r.querySelector("output").textContent)`) {
			key, rest, _ := strings.Cut(row, "=")
			val, label, _ := strings.Cut(rest, "|")
			if key == "alpha" && pc.Kind.Structured() {
				continue // the structure's α, shown disabled
			}
			want, _ := pc.Get(key)
			if w := strconv.FormatFloat(want.Num, 'f', -1, 64); val != w || label == "" {
				t.Errorf("%s: slider %s shows %q (label %q) before Play, want %s", name, key, val, label, w)
			}
		}
		if checked := evalJS[string](p, `(document.querySelector("input[name=selection]:checked") || {}).value || ""`); pc.Kind.Structured() && checked != pc.Lattice.Selection.String() {
			t.Errorf("%s: selection %q checked before Play, want %q", name, checked, pc.Lattice.Selection)
		}
	}
}

// TestBrowserProjector: at 1024×768 (a projector) Play, the population,
// the chart and the phase diagram lie within the window, without
// scrolling, and nothing runs under the controls; at a laptop's 1280×800
// and 1366×768, and at 1920×1080 too.
// Screenshot (tiktok_refugees at 1024×768): $CULTURESIM_PROJECTOR_SCREENSHOT.
func TestBrowserProjector(t *testing.T) {
	for _, c := range []struct {
		scenario string
		w, h     int
	}{{"fig4c", 1024, 768}, {"fig4c", 1920, 1080}, {"tiktok_refugees", 1024, 768}, {"tiktok_three_platforms", 1024, 768},
		{"fig4c", 1280, 800}, {"tiktok_three_platforms", 1366, 768}} {
		sc, err := scenarios.Builtin(c.scenario)
		if err != nil {
			t.Fatal(err)
		}
		p := openPage(t, sc, nil, c.w, c.h)
		boxes := evalJS[[][]float64](p, `[document.querySelector("#play"), ...document.querySelectorAll("#world canvas"), document.querySelector("#chart"), document.querySelector("#phase")].map((e) => {
			const r = e.getBoundingClientRect();
			return [r.left, r.top, r.right, r.bottom, innerWidth, innerHeight]; })`)
		for i, b := range boxes {
			name := "the population"
			switch i {
			case 0:
				name = "Play"
			case len(boxes) - 2:
				name = "the chart"
			case len(boxes) - 1:
				name = "the phase diagram"
			}
			if l, tp, r, bt, w, h := b[0], b[1], b[2], b[3], b[4], b[5]; l < 0 || tp < 0 || r > w || bt > h || r-l < 50 {
				t.Errorf("%s at %d×%d: %s at (%.0f, %.0f)–(%.0f, %.0f) is not within the %.0f×%.0f window", c.scenario, c.w, c.h, name, l, tp, r, bt, w, h)
			}
		}
		if c.w < 1440 && evalJS[bool](p, `[...document.querySelectorAll("#world canvas")].some((e) => e.getBoundingClientRect().right > document.querySelector("#controls").getBoundingClientRect().left + 1)`) {
			t.Errorf("%s at %d×%d: a platform's drawing runs under the controls", c.scenario, c.w, c.h)
		}
		if c.w == 1024 && c.scenario == "tiktok_refugees" {
			screenshot(t, p.ctx, "CULTURESIM_PROJECTOR_SCREENSHOT", "projector.png")
		}
	}
}

// TestBrowserLessonMarks: the chart gets p̂* of a coexistence scenario,
// the header says which parameters differ from the scenario after a
// slider moves, and the phase note describes the (v, c) window.
func TestBrowserLessonMarks(t *testing.T) {
	sc, err := scenarios.Builtin("wellmixed_coexistence")
	if err != nil {
		t.Fatal(err)
	}
	p := openPage(t, sc, nil, 1500, 1100)
	if ps := evalJS[float64](p, `window.culturesim.lastPhase.pstar`); ps < 0.45 || ps > 0.55 {
		t.Errorf("p̂* sent to the chart: %g, want about 0.49 (Figure 3d's orange curve)", ps)
	}
	p.click("#step")
	p.poll(`window.culturesim.lastFrame.g >= 1`, "a step")
	p.do(`window.culturesim.post({action: "set", platform: 0, params: {c: 0.3}})`)
	p.poll(`document.getElementById("scenario").textContent.includes("changed from the scenario: c = 0.3")`, "the header after a slider move")
	p.click(`input[name=phase][value=v]`)
	p.poll(`document.getElementById("phaseNote").textContent.includes("every v in [0, 1]")`, "the (v, c) note")
}

// TestBrowserScenarioPicker: the picker loads a built-in (the page
// rebuilds for its platforms); an uploaded file with errors shows the
// command line's message, line by line; one naming an edge list is
// refused; a good upload runs.
func TestBrowserScenarioPicker(t *testing.T) {
	p := openPage(t, nil, nil, 1500, 1100)
	if err := chromedp.Do(p.ctx, chromedp.SetValue("#scenarioPick", "tiktok_refugees")); err != nil {
		t.Fatal(err)
	}
	p.do(`document.getElementById("scenarioPick").onchange()`)
	p.poll(`window.culturesim.hello.scenario === "tiktok_refugees" && document.querySelectorAll("#world .platform").length === 2`, "the picker's scenario")

	bad := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(bad, []byte("[model]\nb = 1.3\nc = 2\nv = 1\nalpha = 0.5\nta = 0.3\ntb = 0.3\n[population]\nkind = \"wellmixed\"\nsize = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, cliErr := scenarios.Load(bad)
	if cliErr == nil {
		t.Fatal("the bad file parses")
	}
	if err := chromedp.Do(p.ctx, chromedp.SetUploadFiles("#upload", []string{bad})); err != nil {
		t.Fatal(err)
	}
	p.poll(`document.getElementById("message").textContent.includes("invalid scenario")`, "the upload's errors")
	msg := evalJS[string](p, `document.getElementById("message").textContent`)
	for _, line := range strings.Split(strings.TrimSpace(cliErr.Error()), "\n") {
		// The command line names the path; the page the file's name.
		if want := strings.Replace(strings.TrimSpace(line), bad, "bad.toml", 1); !strings.Contains(msg, want) {
			t.Errorf("the page's message %q lacks the command line's %q", msg, want)
		}
	}
	p.do(`window.culturesim.loadScenarioText("net.toml", ` + strconv.Quote("[model]\nb = 1.3\nc = 0.05\nv = 1\nta = 0.3\ntb = 0.3\n[population]\nkind = \"network\"\ngraph = \"edges\"\nedges = \"/etc/passwd\"\n") + `)`)
	p.poll(`document.getElementById("message").textContent.includes("an uploaded scenario cannot read files on the server")`, "an upload naming a file")
	p.do(`window.culturesim.loadScenarioText("mine.toml", ` + strconv.Quote("name = \"mine\"\n[model]\nb = 1.3\nc = 0.05\nv = 1\nalpha = 0.5\nta = 0.3\ntb = 0.3\n[population]\nkind = \"wellmixed\"\nsize = 500\n") + `)`)
	p.poll(`window.culturesim.hello.scenario === "mine" && document.getElementById("scenarioPick").selectedOptions[0].textContent === "mine (uploaded)"`, "a good upload")
}

// TestBrowserStructure: the structure controls rebuild the population:
// a 40×40 lattice starting at 90 % cooperators; a bad value shows the
// engine's message and keeps the world.
func TestBrowserStructure(t *testing.T) {
	p := openPage(t, nil, nil, 1500, 1100) // fig4c: 100×100
	keys := " " + evalJS[string](p, `[...document.querySelectorAll("#structureFields .field")].map((r) => r.dataset.key).join(" ")`) + " "
	for _, k := range []string{"size", "initial_a", "neighborhood", "radius", "boundary", "rounds"} {
		if !strings.Contains(keys, " "+k+" ") {
			t.Errorf("structure controls %q lack %s", keys, k)
		}
	}
	set := func(key, v string) string {
		return `document.querySelector('#structureFields [data-key="` + key + `"] input, #structureFields [data-key="` + key + `"] select').value = "` + v + `";`
	}
	p.do(set("size", "40") + set("initial_a", "0.9") + `window.culturesim.rebuild()`)
	p.poll(`document.querySelector("#world canvas").width === 40 && window.culturesim.lastFrame.platforms[0].size === 1600`, "a 40×40 lattice")
	if a := evalJS[float64](p, `window.culturesim.lastFrame.platforms[0].a / 1600`); a < 0.85 || a > 0.95 {
		t.Errorf("rebuilt with initial_a 0.9: frequency %g", a)
	}
	p.do(set("radius", "45") + `window.culturesim.rebuild()`)
	p.poll(`document.getElementById("message").textContent.includes("radius")`, "a radius beyond the side")
	if n := evalJS[int](p, `window.culturesim.lastFrame.platforms[0].size`); n != 1600 {
		t.Errorf("a refused rebuild changed the world: %d agents", n)
	}
}

// TestBrowserDownloads: the CSV button's series, after 200 generations
// of fig4c with its seed, equals culturesim run's series.csv for the
// same seed; the PNG button makes an image of the view.
func TestBrowserDownloads(t *testing.T) {
	want := runSeries(t, "fig4c", 200)
	p := openPage(t, nil, nil, 1500, 1100)
	p.do(`window.culturesim.post({action: "step", steps: 200})`)
	p.poll(`window.culturesim.lastFrame.g === 200`, "200 generations", 30*time.Second)
	sameSeries(t, evalJS[string](p, `fetch("api/series.csv?session=" + window.culturesim.session).then((r) => r.text())`, chromedp.EvalAwaitPromise), want)
	if n := evalJS[int](p, `window.culturesim.savePNG()`); n < 10_000 {
		t.Errorf("the PNG's data URL has %d characters", n)
	}
}

// TestBrowserPlatforms: tiktok_refugees played past its ban shows the
// refugees on xiaohongshu and the ban's mark. Screenshot:
// $CULTURESIM_PLATFORMS_SCREENSHOT (docs/teaching-mode-platforms.png).
func TestBrowserPlatforms(t *testing.T) {
	sc, err := scenarios.Builtin("tiktok_refugees")
	if err != nil {
		t.Fatal(err)
	}
	p := openPage(t, sc, nil, 1500, 1150)
	for range 45 { // one generation a frame, so that the chart has every one
		p.do(`window.culturesim.post({action: "step"})`)
		time.Sleep(60 * time.Millisecond)
	}
	p.poll(`window.culturesim.lastFrame.g >= 45 && window.culturesim.lastFrame.platforms[1].migrants > 0`, "refugees on xiaohongshu after the ban", 20*time.Second)
	if evs := evalJS[int](p, `window.culturesim.hello.events.length`); evs != 1 {
		t.Errorf("the chart has %d scenario events, want the ban", evs)
	}
	screenshot(t, p.ctx, "CULTURESIM_PLATFORMS_SCREENSHOT", "platforms.png")
}

// TestStaticSite: the site culturesim site writes runs the engine in the
// browser (WebAssembly) with nothing but a static file server: every
// request goes to it, the 100×100 lattice plays at 25 frames a second or
// more, and after a reset the first 200 generations are those of
// culturesim run with the same seed. It logs the engine's size (gzip)
// and load time.
func TestStaticSite(t *testing.T) {
	chromium(t)
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
	want := runSeries(t, "fig4c", 200)
	p := openPage(t, nil, http.FileServer(http.Dir(dir)), 1500, 1100)
	t.Logf("engine loaded and started in %.0f ms", evalJS[float64](p, `window.culturesim.wasmLoadMs`))
	p.click("#play")
	time.Sleep(500 * time.Millisecond)
	f0, t0 := evalJS[int](p, `window.culturesim.frames`), time.Now()
	time.Sleep(3 * time.Second)
	rate := float64(evalJS[int](p, `window.culturesim.frames`)-f0) / time.Since(t0).Seconds()
	t.Logf("%.1f frames/s for the 100×100 lattice in WebAssembly", rate)
	if rate < 25 {
		t.Errorf("%.1f frames a second, want 25 or more", rate)
	}
	p.do(`window.culturesim.post({action: "pause"}); window.culturesim.post({action: "reset"}); window.culturesim.post({action: "step", steps: 200})`)
	p.poll(`window.culturesim.lastFrame.g === 200`, "200 generations", 30*time.Second)
	sameSeries(t, evalJS[string](p, `window.culturesimWasm.seriesCSV()`), want)
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, u := range p.requests {
		if !strings.HasPrefix(u, p.url) && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("the static page asked for %s, beyond its static server", u)
		}
	}
}

// TestBrowserLessonPlan follows the README's 10-minute lesson on a
// projector (1024×768), step by step, and checks what each step tells
// the class they will see.
func TestBrowserLessonPlan(t *testing.T) {
	p := openPage(t, nil, nil, 1024, 768) // culturesim serve: fig4c
	slider := func(key string, v float64) {
		t.Helper()
		p.do(`const el = document.querySelector("#sliders [data-key=` + key + `] input"); el.value = "` + ftoa(v) + `"; el.dispatchEvent(new Event("input"))`)
	}
	pick := func(name string) {
		t.Helper()
		if err := chromedp.Do(p.ctx, chromedp.SetValue("#scenarioPick", name)); err != nil {
			t.Fatal(err)
		}
		p.do(`document.getElementById("scenarioPick").onchange()`)
		p.poll(`culturesim.hello.scenario === "`+name+`" && culturesim.phaseList.length === culturesim.hello.platforms.length && culturesim.lastFrame && culturesim.lastFrame.g === 0`, "the picked "+name)
	}
	fast := func() {
		t.Helper()
		p.do(`const el = document.getElementById("speed"); el.value = "1000"; el.oninput()`)
	}
	// 1. The crosshairs sit in the thin gold sliver of coexistence.
	p.poll(`culturesim.lastPhase.outcome === "coexistence"`, "step 1: coexistence")
	p.click("#play")
	p.poll(`culturesim.lastFrame.g >= 10`, "step 1: play")
	// 2. c = 0.1: defection; the header and the chart note it; the grid
	// turns red and play pauses at fixation. Reset keeps the sliders;
	// T_A = 0.6 crosses into cooperation, and cooperators take over.
	slider("c", 0.1)
	p.poll(`culturesim.lastPhase.outcome === "defection" && document.getElementById("scenario").textContent.includes("c = 0.1")`, "step 2: defection")
	fast()
	p.poll(`document.getElementById("noticeText").textContent.includes("defectors (B)") && !culturesim.lastFrame.running`, "step 2: fixation of defectors", 100*time.Second)
	t.Logf("step 2: defectors fixed at generation %d", evalJS[int](p, `culturesim.lastFrame.g`))
	p.click("#noticeReset")
	p.poll(`culturesim.lastFrame.g === 0 && culturesim.lastFrame.params[0].params.c === 0.1`, "step 2: reset keeps the sliders")
	slider("ta", 0.6)
	p.poll(`culturesim.lastPhase.outcome === "cooperation"`, "step 2: cooperation")
	p.click("#play")
	p.poll(`document.getElementById("noticeText").textContent.includes("cooperators (A)")`, "step 2: fixation of cooperators", 100*time.Second)
	t.Logf("step 2: cooperators fixed at generation %d", evalJS[int](p, `culturesim.lastFrame.g`))
	// 3. Reload: the scenario's own values; the (v, c) axes; local
	// selection.
	p.click("#reload")
	p.poll(`culturesim.lastFrame.params[0].params.c === 0.02 && culturesim.lastFrame.params[0].params.ta === 0.4 && !document.getElementById("scenario").textContent.includes("changed")`, "step 3: reload")
	p.click(`input[name=phase][value=v]`)
	p.poll(`culturesim.lastPhase.mode === "v"`, "step 3: (v, c)")
	p.click(`input[name=selection][value=local]`)
	p.poll(`culturesim.lastFrame.params[0].params.selection === "local"`, "step 3: local selection")
	p.click("#play")
	p.poll(`culturesim.lastFrame.g >= 20`, "step 3: play")
	p.click("#pause")
	// 4. A crowd of 100,000: b = 12 on its slider; it settles at p̂*
	// ≈ 0.49, the chart's dashed line, by the scenario's last generation.
	pick("wellmixed_coexistence")
	if b := evalJS[float64](p, `+document.querySelector("#sliders [data-key=b] input").value`); b != 12 {
		t.Errorf("step 4: the b slider shows %v, want 12", b)
	}
	fast()
	p.click("#play")
	p.poll(`document.getElementById("noticeText").textContent.includes("last generation")`, "step 4: the scenario's end", 60*time.Second)
	if a, ps := evalJS[float64](p, `culturesim.lastFrame.platforms[0].a / culturesim.lastFrame.platforms[0].size`), evalJS[float64](p, `culturesim.lastPhase.pstar`); ps < 0.45 || ps > 0.53 || a < ps-0.03 || a > ps+0.03 {
		t.Errorf("step 4: frequency %.3f at the end, p̂* %.3f", a, ps)
	}
	before := evalJS[float64](p, `culturesim.lastPhase.pstar`)
	slider("alpha", 0.6)
	p.poll(`culturesim.lastPhase.pstar > `+ftoa(before+0.02), "step 4: a higher α moves p̂*")
	// 5. Two platforms, each with its own diagram: tiktok's defection,
	// xiaohongshu's cooperation. After the ban (generation 30) the
	// refugees turn green within a few generations. Lowering
	// xiaohongshu's α turns its small diagram red.
	pick("tiktok_refugees")
	caps := evalJS[string](p, `[...document.querySelectorAll("#phaseThumbs figcaption")].map((c) => c.textContent).join("|")`)
	if caps != "tiktok: defection|xiaohongshu: cooperation" {
		t.Errorf("step 5: the platforms' diagrams say %q", caps)
	}
	fast()
	p.click("#play")
	p.poll(`culturesim.lastFrame.g >= 40`, "step 5: past the ban", 60*time.Second)
	p.click("#pause")
	if f := evalJS[float64](p, `(() => { const x = culturesim.lastFrame.platforms[1]; return x.migrantsA / x.migrants; })()`); f < 0.7 {
		t.Errorf("step 5: the refugees on xiaohongshu are %.2f cooperators ten generations after the ban, want most", f)
	}
	if err := chromedp.Do(p.ctx, chromedp.SetValue("#platform", "1")); err != nil {
		t.Fatal(err)
	}
	p.do(`document.getElementById("platform").onchange()`)
	slider("alpha", 0.05)
	p.poll(`document.querySelectorAll("#phaseThumbs figcaption")[1].textContent === "xiaohongshu: defection"`, "step 5: xiaohongshu's diagram turns red")
}
