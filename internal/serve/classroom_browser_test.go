package serve

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserClassroom: a teacher and three students, each in a browser
// of their own (separate cookies), in one class: the students join with
// the code the teacher's page shows, get one platform each, set its
// culture and see the teacher's lock; everyone watches the same world.
func TestBrowserClassroom(t *testing.T) {
	path := chromium(t)
	srv, ts := newClass(t, "tiktok_three_platforms", 10)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("headless", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	root, cancelRoot := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelRoot)
	if err := chromedp.Do(root); err != nil { // starts the browser
		t.Fatal(err)
	}
	// open is a browser of its own (a new browser context: its own
	// cookies), at w×h pixels.
	open := func(url string, w, h int) *page {
		ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		ctx, cancelT := context.WithTimeout(ctx, 120*time.Second)
		t.Cleanup(cancelT)
		p := &page{t: t, ctx: ctx, url: ts.URL}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(w), int64(h)), chromedp.Navigate(url)); err != nil {
			t.Fatalf("%s did not load: %v", url, err)
		}
		return p
	}
	teacher := open(ts.URL+srv.TeacherPath(), 1024, 768) // the projector
	teacher.poll(`!!(window.culturesim && culturesim.class && culturesim.class.role === "teacher" && culturesim.frames > 0 && culturesim.phaseList.length === 3)`, "the teacher's page", 60*time.Second)
	if u := evalJS[string](teacher, `location.href`); strings.Contains(u, "teacher=") {
		t.Fatalf("the teacher's secret stays in the address bar: %s", u)
	}
	// On the projector: the code, Play, the population, the chart and
	// the diagram, without scrolling.
	if off := evalJS[string](teacher, `["#classJoin .code", "#play", "#world canvas", "#chart", "#phase"].filter((q) => {
		const r = document.querySelector(q).getBoundingClientRect();
		return r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth; }).join(" ")`); off != "" {
		t.Errorf("the teacher's page at 1024×768: %s off the screen", off)
	}
	code := evalJS[string](teacher, `document.querySelector("#classJoin .code").textContent`)
	if code != srv.JoinCode() {
		t.Fatalf("the teacher's page shows %q, the code is %q", code, srv.JoinCode())
	}
	sizes := [][2]int{{1024, 768}, {1280, 800}, {412, 915}} // a projector, a laptop, a phone
	var pupils []*page
	for i, sz := range sizes {
		p := open(ts.URL+"/?code="+code, sz[0], sz[1])
		p.poll(`document.getElementById("code") && document.getElementById("code").value.length === 6`, "the join form with its code")
		if err := chromedp.Do(p.ctx, chromedp.SendKeys("#name", fmt.Sprintf("group %c", 'A'+i)), chromedp.Click("button[type=submit]")); err != nil {
			t.Fatal(err)
		}
		waitPage(t, p)
		p.poll(fmt.Sprintf(`!!(window.culturesim && culturesim.class && culturesim.class.platform === %d && culturesim.frames > 0 && culturesim.lastPhase && culturesim.lastPhase.index === %d)`, i, i),
			fmt.Sprintf("student %d's page", i), 60*time.Second)
		// Only the culture's sliders; none of the teacher's controls.
		visible := evalJS[string](p, `[...document.querySelectorAll("#sliders .slider")].filter((r) => r.offsetParent).map((r) => r.dataset.key).join(",")`)
		if visible != "alpha,ta,tb" {
			t.Errorf("student %d sees sliders %q, want alpha,ta,tb", i, visible)
		}
		if evalJS[bool](p, `!!(document.getElementById("play").offsetParent || document.getElementById("scenarioPick").offsetParent || document.getElementById("trigger").offsetParent)`) {
			t.Errorf("student %d sees the teacher's controls", i)
		}
		if got := evalJS[string](p, `document.querySelector(".thumbs figure.mine figcaption").textContent`); !strings.HasPrefix(got, []string{"tiktok", "xiaohongshu", "lemon8"}[i]+":") {
			t.Errorf("student %d's own diagram: %q", i, got)
		}
		// Nothing wider than the screen (a phone's too), and sliders
		// wide enough to hold.
		if w := evalJS[[]float64](p, `[document.documentElement.scrollWidth, innerWidth, document.querySelector("[data-key=tb] input").getBoundingClientRect().width]`); w[0] > w[1]+1 || w[2] < 120 {
			t.Errorf("student %d at %d×%d: the page is %.0f px wide in %.0f, the T_B slider %.0f px", i, sz[0], sz[1], w[0], w[1], w[2])
		}
		pupils = append(pupils, p)
	}
	teacher.poll(`culturesim.class.students.length === 3 && culturesim.class.students.every((s) => s.online)`, "the teacher's list of students")
	if names := evalJS[string](teacher, `[...document.querySelectorAll("#students tr td:first-child")].map((td) => td.textContent).join("|")`); names != "● group A|● group B|● group C" {
		t.Errorf("the teacher's list: %q", names)
	}
	// Each student moves their platform's T_B; the teacher's page (and
	// every other) shows it.
	for i, p := range pupils {
		v := []string{"0.45", "0.2", "0.35"}[i]
		p.do(`const el = document.querySelector("[data-key=tb] input"); el.value = "` + v + `"; el.dispatchEvent(new Event("input"))`)
		teacher.poll(fmt.Sprintf(`culturesim.lastFrame.params[%d].params.tb === %s`, i, v), fmt.Sprintf("student %d's T_B on the teacher's page", i))
		pupils[(i+1)%3].poll(fmt.Sprintf(`culturesim.lastFrame.params[%d].params.tb === %s`, i, v), "another student's page")
	}
	// The lock: the students' sliders are disabled, and a control sent
	// anyway is refused with the reason.
	teacher.click("#lock")
	for i, p := range pupils {
		p.poll(`document.querySelector("[data-key=tb] input").disabled && document.getElementById("classJoin").textContent.includes("locked")`, fmt.Sprintf("student %d locked", i))
	}
	pupils[0].do(`culturesim.post({action: "set", platform: 0, params: {ta: 0.5}})`)
	pupils[0].poll(`document.getElementById("message").textContent.includes("locked")`, "the lock's message")
	teacher.click("#lock")
	pupils[0].poll(`!document.querySelector("[data-key=tb] input").disabled`, "unlocked")
	// The teacher plays, triggers an event, replays; everyone sees the
	// same world.
	teacher.click("#play")
	teacher.poll(`culturesim.lastFrame.g >= 3`, "play")
	teacher.do(`document.getElementById("evFrom").value = "0"; document.getElementById("evTo").value = "1"; document.getElementById("evFraction").value = "0.3"`)
	teacher.click("#trigger")
	for i, p := range pupils {
		p.poll(`culturesim.lastFrame.platforms[1].migrants > 0`, fmt.Sprintf("student %d sees the event's migrants", i))
	}
	teacher.click("#pause")
	teacher.poll(`!culturesim.lastFrame.running`, "pause")
	g := evalJS[int](teacher, `culturesim.lastFrame.g`)
	for i, p := range pupils {
		p.poll(fmt.Sprintf(`culturesim.lastFrame.g === %d && !culturesim.lastFrame.running`, g), fmt.Sprintf("student %d at the teacher's generation %d", i, g))
	}
	// A latecomer's chart starts where the class is.
	late := open(ts.URL+"/?code="+code, 1280, 800)
	late.poll(`document.getElementById("code") && document.getElementById("code").value.length === 6`, "the latecomer's form")
	if err := chromedp.Do(late.ctx, chromedp.SendKeys("#name", "late"), chromedp.Click("button[type=submit]")); err != nil {
		t.Fatal(err)
	}
	waitPage(t, late)
	late.poll(fmt.Sprintf(`culturesim.histories >= 1 && culturesim.lastFrame && culturesim.lastFrame.g === %d && culturesim.series[0].length >= %d && culturesim.series[0][0][0] === 0`, g, g), "the latecomer's chart from generation 0")
	screenshot(t, teacher.ctx, "CULTURESIM_CLASSROOM_SCREENSHOT", "classroom-teacher.png")
	screenshot(t, pupils[1].ctx, "CULTURESIM_STUDENT_SCREENSHOT", "classroom-student.png")
	screenshot(t, pupils[2].ctx, "CULTURESIM_PHONE_SCREENSHOT", "classroom-phone.png")
	// Slowly: the replay's last change (the event) is a few generations
	// in, and every page must see it under way.
	teacher.do(`culturesim.post({action: "speed", speed: 1})`)
	teacher.click("#replay")
	for i, p := range pupils {
		p.poll(`culturesim.lastFrame.replaying && document.getElementById("status").textContent.includes("replaying") && document.getElementById("classJoin").textContent.includes("replaying") && document.querySelector("[data-key=tb] input").disabled`, fmt.Sprintf("student %d sees the replay", i))
	}
}

// waitPage waits through the join form's navigation to the page.
func waitPage(t *testing.T, p *page) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`!!window.culturesim`))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the page never came after joining: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
