package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/culturesim/culturesim/scenarios"
)

// participant is a browser of a classroom: its own cookies.
type participant struct {
	t    *testing.T
	hc   *http.Client
	base string
}

// newClass serves a classroom of a built-in scenario; every test client
// comes from 127.0.0.1, so one address may hold every student unless
// perAddress says otherwise.
func newClass(t *testing.T, name string, students int, perAddress ...int) (*Server, *httptest.Server) {
	t.Helper()
	per := students
	if len(perAddress) > 0 {
		per = perAddress[0]
	}
	sc, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := NewClassroom(ctx, sc, ClassOptions{Students: students, PerAddress: per, JoinURLs: []string{"http://192.168.1.23:8080/"}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { ts.Close(); cancel() })
	return srv, ts
}

func browser(t *testing.T, ts *httptest.Server) *participant {
	jar, _ := cookiejar.New(nil)
	// No client timeout: it would end streams too; do bounds requests.
	return &participant{t: t, hc: &http.Client{Jar: jar}, base: ts.URL}
}

// do sends a request and returns its status and body.
func (p *participant) do(method, path, body string, header ...string) (int, string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, method, p.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1] // the client sends req.Host, not a Host header
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := p.hc.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func teacherOf(t *testing.T, srv *Server, ts *httptest.Server) *participant {
	p := browser(t, ts)
	if code, body := p.do("GET", srv.TeacherPath(), ""); code != 200 || !strings.Contains(body, `id="controls"`) {
		t.Fatalf("teacher's page: %d", code)
	}
	return p
}

func (p *participant) join(code, name string) (int, string) {
	p.t.Helper()
	b, _ := json.Marshal(JoinRequest{Code: code, Name: name})
	return p.do("POST", "/api/join", string(b))
}

func (c *client) class(timeout time.Duration) ClassView {
	c.t.Helper()
	var v ClassView
	if err := json.Unmarshal(c.next("class", timeout).data, &v); err != nil {
		c.t.Fatal(err)
	}
	return v
}

func TestClassroomRoles(t *testing.T) {
	srv, ts := newClass(t, "tiktok_three_platforms", 4)
	code := srv.JoinCode()
	if len(code) != codeLength || strings.Trim(code, codeAlphabet) != "" {
		t.Fatalf("code %q", code)
	}
	// Without joining: the join form, and nothing else.
	stranger := browser(t, ts)
	if st, body := stranger.do("GET", "/", ""); st != 200 || !strings.Contains(body, "join the class") {
		t.Fatalf("stranger's /: %d", st)
	}
	for _, path := range []string{"/app.js", "/style.css", "/api/stream", "/api/series.csv", "/api/whoami"} {
		if st, _ := stranger.do("GET", path, ""); st != http.StatusUnauthorized {
			t.Fatalf("stranger's %s: %d", path, st)
		}
	}
	if st, _ := stranger.do("GET", "/?teacher=guess", ""); st != http.StatusForbidden {
		t.Fatalf("a wrong teacher's secret: %d", st)
	}
	if st, msg := stranger.join("AAAAAA", "x"); st != http.StatusForbidden || !strings.Contains(msg, "not this class's code") {
		t.Fatalf("wrong code: %d %s", st, msg)
	}
	teacher := teacherOf(t, srv, ts)
	tc := openWith(t, teacher.hc, ts.URL)
	if v := tc.class(5 * time.Second); v.Role != "teacher" || v.Code != code || len(v.JoinURLs) != 1 || v.Cap != 4 {
		t.Fatalf("teacher's view %+v", v)
	}
	// Three students: one platform each, in order; the code is read as
	// typed (spaces, lower case).
	var pupils []*participant
	var streams []*client
	for i := range 3 {
		p := browser(t, ts)
		st, body := p.join(" "+strings.ToLower(code[:3])+" "+code[3:], fmt.Sprintf("group %d", i))
		if st != 200 || !strings.Contains(body, fmt.Sprintf(`"platform":%d`, i)) {
			t.Fatalf("join %d: %d %s", i, st, body)
		}
		pupils = append(pupils, p)
		c := openWith(t, p.hc, ts.URL)
		if v := c.class(5 * time.Second); v.Role != "student" || v.Platform != i || v.Code != "" || v.Students != nil {
			t.Fatalf("student %d's view %+v", i, v)
		}
		streams = append(streams, c)
	}
	if srv.Participants() != 3 {
		t.Fatalf("%d participants", srv.Participants())
	}
	// A student sets their own platform's culture, and nothing else.
	if st, msg := streams[1].post(`{"action":"set","platform":1,"params":{"alpha":0.2,"tb":0.25}}`); st != 200 {
		t.Fatalf("own culture: %d %s", st, msg)
	}
	for f := tc.frame(5 * time.Second); f.Params[1].Params["alpha"] != 0.2; f = tc.frame(5 * time.Second) {
	}
	refused := map[string]int{
		`{"action":"set","platform":0,"params":{"alpha":0.2}}`:      403, // another platform
		`{"action":"set","platform":-1,"params":{"alpha":0.2}}`:     403, // every platform
		`{"action":"set","platform":1,"params":{"c":0.5}}`:          403, // the game's payoffs
		`{"action":"set","platform":1,"params":{"initiation":0.5}}`: 403,
		`{"action":"set","platform":1,"phase":"v"}`:                 403,
		`{"action":"play"}`:                                                      403,
		`{"action":"reset"}`:                                                     403,
		`{"action":"replay"}`:                                                    403,
		`{"action":"scenario","scenario":"fig4c"}`:                               403,
		`{"action":"structure","platform":1,"params":{"size":10}}`:               403,
		`{"action":"event","event":{"from":0,"to":1,"fraction":1}}`:              403,
		`{"action":"set","platform":1,"params":{"alpha":7}}`:                     400, // outside its range
		`{"action":"set","platform":1,"params":{"alpha":"x"}}`:                   400,
		`{"action":"set","platform":1,"params":{"alpha":0.3}} {"action":"play"}`: 400,
	}
	for body, want := range refused {
		if st, msg := streams[1].post(body); st != want {
			t.Errorf("%s: %d %s, want %d", body, st, msg, want)
		}
	}
	// The teacher locks: students are refused until unlocked.
	if st, msg := teacher.do("POST", "/api/class", `{"lock":true}`); st != 200 {
		t.Fatalf("lock: %d %s", st, msg)
	}
	for v := streams[0].class(5 * time.Second); !v.Locked; v = streams[0].class(5 * time.Second) {
	}
	if st, msg := streams[0].post(`{"action":"set","platform":0,"params":{"ta":0.4}}`); st != http.StatusConflict || !strings.Contains(msg, "locked") {
		t.Fatalf("locked: %d %s", st, msg)
	}
	if st, _ := pupils[0].do("POST", "/api/class", `{"lock":false}`); st != http.StatusForbidden {
		t.Fatalf("a student unlocks: %d", st)
	}
	teacher.do("POST", "/api/class", `{"lock":false}`)
	if st, msg := streams[0].post(`{"action":"set","platform":0,"params":{"ta":0.4}}`); st != 200 {
		t.Fatalf("unlocked: %d %s", st, msg)
	}
	// The teacher moves a student and removes another.
	v := tc.class(5 * time.Second)
	for len(v.Students) < 3 {
		v = tc.class(5 * time.Second)
	}
	if st, msg := teacher.do("POST", "/api/class", fmt.Sprintf(`{"assign":{"id":%d,"platform":0}}`, v.Students[2].ID)); st != 200 {
		t.Fatalf("assign: %d %s", st, msg)
	}
	if st, _ := streams[2].post(`{"action":"set","platform":0,"params":{"ta":0.35}}`); st != 200 {
		t.Fatalf("a moved student sets the new platform: %d", st)
	}
	if st, _ := teacher.do("POST", "/api/class", `{"assign":{"id":1,"platform":3}}`); st != 400 {
		t.Fatalf("assign to a platform that is not: %d", st)
	}
	teacher.do("POST", "/api/class", fmt.Sprintf(`{"remove":%d}`, v.Students[1].ID))
	if st, _ := pupils[1].do("POST", "/api/control", `{"action":"set","platform":1,"params":{"ta":0.2}}`); st != http.StatusUnauthorized {
		t.Fatalf("a removed student: %d", st)
	}
	// The cap: two more may join (3 − 1 + 2 = 4), not three.
	for i := range 3 {
		st, msg := browser(t, ts).join(code, "")
		if want := map[bool]int{true: 200, false: http.StatusServiceUnavailable}[i < 2]; st != want {
			t.Fatalf("join %d beyond: %d %s", i, st, msg)
		}
	}
	// The teacher controls everything, triggers events and replays.
	for _, body := range []string{`{"action":"play"}`, `{"action":"event","event":{"from":0,"to":2,"fraction":0.1}}`, `{"action":"pause"}`, `{"action":"replay"}`} {
		if body == `{"action":"pause"}` {
			for f := tc.frame(5 * time.Second); f.Generation < 3; f = tc.frame(5 * time.Second) {
			}
		}
		if st, msg := tc.post(body); st != 200 {
			t.Fatalf("teacher's %s: %d %s", body, st, msg)
		}
	}
	for f := tc.frame(5 * time.Second); !f.Replaying; f = tc.frame(5 * time.Second) {
	}
	if st, msg := streams[0].post(`{"action":"set","platform":0,"params":{"ta":0.3}}`); st != http.StatusConflict || !strings.Contains(msg, "replaying") {
		t.Fatalf("a student during the replay: %d %s", st, msg)
	}
}

// TestReplayPlaysTheSameHistory: a replay from the seed, with the same
// changes at the same generations, is the same series, row for row.
func TestReplayPlaysTheSameHistory(t *testing.T) {
	_, ts := newServer(t, "tiktok_three_platforms")
	c := open(t, ts)
	at := 0
	step := func(n int) {
		t.Helper()
		at += n
		c.post(fmt.Sprintf(`{"action":"step","steps":%d}`, n))
		for f := c.frame(5 * time.Second); f.Generation != at; f = c.frame(5 * time.Second) {
		}
	}
	csv := func() string {
		resp, err := http.Get(ts.URL + "/api/series.csv?session=" + c.hello.Session)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	step(10)
	c.post(`{"action":"set","platform":1,"params":{"alpha":0.1,"ta":0.5}}`)
	step(10)
	c.post(`{"action":"event","event":{"from":1,"to":2,"fraction":0.25,"phenotype":"A"}}`)
	c.post(`{"action":"set","platform":-1,"params":{"c":0.2}}`)
	step(20)
	want := csv()
	if st, msg := c.post(`{"action":"replay"}`); st != 200 {
		t.Fatalf("replay: %d %s", st, msg)
	}
	c.post(`{"action":"pause"}`)
	c.post(`{"action":"step","steps":40}`)
	var f Frame
	for f = c.frame(5 * time.Second); f.Generation != 40; f = c.frame(5 * time.Second) {
	}
	if f.Changes != 3 || f.Replaying {
		t.Fatalf("after the replay: %d changes, replaying %v", f.Changes, f.Replaying)
	}
	if got := csv(); got != want {
		t.Fatalf("the replay differs:\n%s\nwant\n%s", got[:min(len(got), 800)], want[:min(len(want), 800)])
	}
	// A reset forgets the history.
	c.post(`{"action":"reset"}`)
	if st, msg := c.post(`{"action":"replay"}`); st != 400 || !strings.Contains(msg, "nothing to replay") {
		t.Fatalf("replay after reset: %d %s", st, msg)
	}
}

// TestClassroomSurvivesHostileRequests: 200 requests that a participant
// may not make, or that no page makes, while the world plays: none is
// answered with a server error, none changes the world, the world
// plays on, and the teacher is answered at once afterwards.
func TestClassroomSurvivesHostileRequests(t *testing.T) {
	srv, ts := newClass(t, "tiktok_three_platforms", 3)
	code := srv.JoinCode()
	teacher := teacherOf(t, srv, ts)
	tc := openWith(t, teacher.hc, ts.URL)
	pupil := browser(t, ts)
	if st, msg := pupil.join(code, "mallory"); st != 200 {
		t.Fatalf("join: %d %s", st, msg)
	}
	// 120 generations at 20 a second: it plays on through the test.
	tc.post(`{"action":"speed","speed":20}`)
	tc.post(`{"action":"play"}`)
	before := tc.frame(5 * time.Second)
	for ; !before.Running; before = tc.frame(5 * time.Second) {
	}
	stranger := browser(t, ts)
	huge := `{"action":"set","platform":0,"params":{"alpha":0.1},"scenario":"` + strings.Repeat("x", 100_000) + `"}`
	long := strings.Repeat("ñ", 200)
	type req struct {
		p             *participant
		method, path  string
		body          string
		header        []string
		allowedStatus []int
	}
	var reqs []req
	add := func(n int, r req) {
		for range n {
			reqs = append(reqs, r)
		}
	}
	no := []int{400, 401, 403, 404, 405, 409, 413, 429, 503}
	add(10, req{stranger, "POST", "/api/join", `{"code":"ZZZZZZ"}`, nil, no})              // guessing the code
	add(10, req{pupil, "GET", "/api/stream", "", []string{"Host", "rebound.example"}, no}) // DNS rebinding
	add(10, req{stranger, "GET", "/app.js", "", nil, no})                                  // files without joining
	add(10, req{stranger, "POST", "/api/control", `{"action":"reset"}`, nil, no})          // controls without joining
	add(10, req{stranger, "GET", "/api/stream", "", []string{"Cookie", studentCookie + "=" + code + "-forged"}, no})
	add(10, req{stranger, "GET", "/api/stream", "", []string{"Cookie", teacherCookie + "=forged"}, no})
	add(10, req{pupil, "POST", "/api/control", `{"action":"reset"}`, nil, no}) // the teacher's
	add(10, req{pupil, "POST", "/api/control", `{"action":"scenario","toml":"x = 1"}`, nil, no})
	add(10, req{pupil, "POST", "/api/control", `{"action":"set","platform":1,"params":{"alpha":0.9}}`, nil, no})
	add(10, req{pupil, "POST", "/api/control", `{"action":"set","platform":0,"params":{"b":99}}`, nil, no})
	add(10, req{pupil, "POST", "/api/control", `{"action":"set","platform":0,"params":{"alpha":1e308}}`, nil, no})
	add(10, req{pupil, "POST", "/api/control", `{"action":"set","platform":0,"params":{"alpha":0.1}`, nil, no}) // truncated JSON
	add(10, req{pupil, "POST", "/api/control", huge, nil, no})
	add(10, req{pupil, "POST", "/api/class", `{"lock":true}`, nil, no})
	add(10, req{stranger, "POST", "/api/join", `{"code":"` + code + `","name":"` + long + `"}`, nil, no}) // a long name
	add(10, req{pupil, "POST", "/api/control", `{"action":"set","platform":0,"params":{"alpha":0.1}}`, []string{"Origin", "http://evil.test"}, no})
	add(10, req{pupil, "POST", "/api/control", `{"action":"set","platform":0,"params":{"alpha":0.1}}`, []string{"Sec-Fetch-Site", "cross-site"}, no})
	add(10, req{pupil, "DELETE", "/api/stream", "", nil, no})
	add(10, req{pupil, "GET", "/../../etc/passwd", "", nil, no})
	add(10, req{pupil, "GET", "/api/nothing", "", nil, no})
	if len(reqs) != 200 {
		t.Fatalf("%d requests", len(reqs))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[int]int{}
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, body := r.p.do(r.method, r.path, r.body, r.header...)
			mu.Lock()
			defer mu.Unlock()
			counts[st]++
			ok := false
			for _, a := range r.allowedStatus {
				ok = ok || a == st
			}
			if !ok {
				t.Errorf("request %d (%s %s): %d %.200s", i, r.method, r.path, st, body)
			}
		}()
	}
	wg.Wait()
	t.Logf("statuses: %v", counts)
	if counts[http.StatusTooManyRequests] == 0 {
		t.Errorf("no request was rate-limited: %v", counts)
	}
	// Nothing changed the world's settings; it played on; the teacher is
	// answered at once.
	time.Sleep(500 * time.Millisecond)
	start := time.Now()
	if st, msg := tc.post(`{"action":"pause"}`); st != 200 {
		t.Fatalf("teacher after the flood: %d %s", st, msg)
	}
	if el := time.Since(start); el > time.Second {
		t.Fatalf("the teacher waited %v", el)
	}
	var after Frame
	for after = tc.frame(5 * time.Second); after.Running; after = tc.frame(5 * time.Second) {
	}
	if after.Generation <= before.Generation+5 {
		t.Fatalf("the world stalled: generation %d → %d", before.Generation, after.Generation)
	}
	for k, p := range after.Params {
		if p.Params["alpha"] != before.Params[k].Params["alpha"] || p.Params["b"] != before.Params[k].Params["b"] {
			t.Fatalf("platform %d changed: %v → %v", k, before.Params[k].Params, p.Params)
		}
	}
	if after.Seed != before.Seed || srv.Participants() != 1 {
		t.Fatalf("seed %d → %d, %d participants", before.Seed, after.Seed, srv.Participants())
	}
}

// TestClassroomDropsSlowStreams: a participant that stops reading is
// dropped; the world and the others go on.
func TestClassroomDropsSlowStreams(t *testing.T) {
	srv, ts := newClass(t, "tiktok_three_platforms", 2)
	teacher := teacherOf(t, srv, ts)
	tc := openWith(t, teacher.hc, ts.URL)
	// A subscriber whose stream never takes its messages (its
	// connection blocked): its queue fills.
	stuck := &subscriber{ch: make(chan []byte, subscriberQueue)}
	srv.class.mu.Lock()
	srv.class.subs[stuck] = true
	srv.class.mu.Unlock()
	tc.post(`{"action":"speed","speed":10}`) // 120 generations: it plays through the test
	tc.post(`{"action":"play"}`)
	g0 := tc.frame(5 * time.Second).Generation
	deadline := time.Now().Add(60 * time.Second)
	for {
		srv.class.mu.Lock()
		dropped := srv.class.dropped
		srv.class.mu.Unlock()
		if dropped > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the stream that does not read was never dropped")
		}
		tc.frame(5 * time.Second)
	}
	if g := tc.frame(5 * time.Second).Generation; g <= g0 {
		t.Fatalf("the world stalled at %d", g)
	}
}

// Regressions from review: a student cannot join twice, one address
// holds at most PerAddress students, a new code keeps those who joined
// and keeps out those removed, other Host names are refused, cookies are
// the port's, the series is the teacher's, and a replay plays through
// the pauses the history went past, to where it was started.
func TestClassroomReviewRegressions(t *testing.T) {
	srv, ts := newClass(t, "tiktok_three_platforms", 10, 2)
	code := srv.JoinCode()
	teacher := teacherOf(t, srv, ts)
	tc := openWith(t, teacher.hc, ts.URL)
	a := browser(t, ts)
	if st, body := a.join(code, "a"); st != 200 || !strings.Contains(body, `"platform":0`) {
		t.Fatalf("join: %d %s", st, body)
	}
	// Joining again with the cookie: the same student, the same platform.
	if st, body := a.join(code, "a again"); st != 200 || !strings.Contains(body, `"again":true`) || !strings.Contains(body, `"platform":0`) {
		t.Fatalf("join again: %d %s", st, body)
	}
	b := browser(t, ts)
	if st, _ := b.join(code, "b"); st != 200 {
		t.Fatalf("a second student from the address: %d", st)
	}
	if st, msg := browser(t, ts).join(code, "c"); st != http.StatusServiceUnavailable || !strings.Contains(msg, "from this device's address") {
		t.Fatalf("a third from the address: %d %s", st, msg)
	}
	if srv.Participants() != 2 {
		t.Fatalf("%d participants", srv.Participants())
	}
	u, _ := url.Parse(ts.URL)
	for _, ck := range a.hc.Jar.Cookies(u) {
		if ck.Name != studentCookie+"_"+u.Port() {
			t.Errorf("cookie %q, want the port's", ck.Name)
		}
	}
	// Remove b and draw a new code: a stays, b cannot come back with the
	// old code, a newcomer joins with the new one.
	v := tc.class(5 * time.Second)
	for len(v.Students) < 2 {
		v = tc.class(5 * time.Second)
	}
	teacher.do("POST", "/api/class", fmt.Sprintf(`{"remove":%d}`, v.Students[1].ID))
	if st, msg := teacher.do("POST", "/api/class", `{"newCode":true}`); st != 200 {
		t.Fatalf("new code: %d %s", st, msg)
	}
	fresh := srv.JoinCode()
	if fresh == code {
		t.Fatal("the same code again")
	}
	if st, _ := a.do("GET", "/api/whoami", ""); st != 200 {
		t.Fatalf("a joined student after a new code: %d", st)
	}
	if st, _ := b.join(code, "b"); st != http.StatusForbidden {
		t.Fatalf("a removed student with the old code: %d", st)
	}
	if st, _ := browser(t, ts).join(fresh, "d"); st != 200 {
		t.Fatalf("a newcomer with the new code: %d", st)
	}
	// DNS rebinding: a name that is not this machine's is refused.
	if st, _ := a.do("GET", "/api/whoami", "", "Host", "evil.example:"+u.Port()); st != http.StatusForbidden {
		t.Fatalf("a foreign Host: %d", st)
	}
	if st, _ := a.do("GET", "/api/series.csv", ""); st != http.StatusForbidden {
		t.Fatalf("a student's series: %d", st)
	}
	if st, _ := teacher.do("GET", "/api/series.csv", ""); st != 200 {
		t.Fatalf("the teacher's series: %d", st)
	}
	// A history past the scenario's last generation (120) replays past
	// it without pausing there.
	tc.post(`{"action":"step","steps":5}`)
	for f := tc.frame(5 * time.Second); f.Generation != 5; f = tc.frame(5 * time.Second) {
	}
	tc.post(`{"action":"set","platform":0,"params":{"ta":0.35}}`)
	tc.post(`{"action":"step","steps":125}`)
	for f := tc.frame(5 * time.Second); f.Generation != 120; f = tc.frame(5 * time.Second) {
	}
	tc.post(`{"action":"step","steps":10}`)
	for f := tc.frame(5 * time.Second); f.Generation != 130; f = tc.frame(5 * time.Second) {
	}
	tc.post(`{"action":"set","platform":1,"params":{"ta":0.35}}`)
	tc.post(`{"action":"speed","speed":1000}`)
	tc.post(`{"action":"replay"}`)
	f := tc.frame(10 * time.Second)
	for ; f.Generation >= 130; f = tc.frame(10 * time.Second) { // frames from before the replay
	}
	for ; f.Running || f.Generation == 0; f = tc.frame(10 * time.Second) {
	}
	if f.Generation != 130 || f.Replaying || !strings.Contains(f.Notice, "where it started") {
		t.Fatalf("the replay paused at generation %d (replaying %v): %s; want 130, where it started", f.Generation, f.Replaying, f.Notice)
	}
}

// The teacher's tools from a class's trial: refused joins are shown and
// the per-address limit raised live; block keeps a device's address out
// until unblocked; another scenario deals the groups out again in the
// order they joined; a page that joins late gets the series so far; a
// new code reaches OnCode.
func TestClassroomTeacherTools(t *testing.T) {
	sc, err := scenarios.Builtin("tiktok_three_platforms")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var codes []string
	var codesMu sync.Mutex
	srv, err := NewClassroom(ctx, sc, ClassOptions{Students: 10, PerAddress: 2, OnCode: func(c string) { codesMu.Lock(); codes = append(codes, c); codesMu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { ts.Close(); cancel() }) // after the streams' cleanups
	code := srv.JoinCode()
	teacher := teacherOf(t, srv, ts)
	tc := openWith(t, teacher.hc, ts.URL)
	var pupils []*participant
	for i := range 3 {
		p := browser(t, ts)
		st, _ := p.join(code, fmt.Sprintf("p%d", i))
		if want := map[bool]int{true: 200, false: http.StatusServiceUnavailable}[i < 2]; st != want {
			t.Fatalf("join %d: %d", i, st)
		}
		pupils = append(pupils, p)
	}
	v := tc.class(5 * time.Second)
	for len(v.Refused) == 0 {
		v = tc.class(5 * time.Second)
	}
	if r := v.Refused[0]; r.Reason != "address" || r.Count != 1 || r.Address != "127.0.0.1" || v.PerAddress != 2 {
		t.Fatalf("refusals %+v, per address %d", v.Refused, v.PerAddress)
	}
	teacher.do("POST", "/api/class", `{"perAddress":3}`)
	if st, _ := pupils[2].join(code, "p2"); st != 200 {
		t.Fatalf("after raising the limit: %d", st)
	}
	// Another scenario and back: 0, 1, 2 → all on 0 → 0, 1, 2.
	tc.post(`{"action":"scenario","scenario":"fig4c"}`)
	tc.post(`{"action":"scenario","scenario":"tiktok_three_platforms"}`)
	for v = tc.class(5 * time.Second); len(v.Students) != 3 || v.Students[1].Platform != 1 || v.Students[2].Platform != 2; v = tc.class(5 * time.Second) {
	}
	// Block: the student is out and its address cannot join; unblock.
	teacher.do("POST", "/api/class", fmt.Sprintf(`{"block":%d}`, v.Students[0].ID))
	if st, msg := browser(t, ts).join(code, "again"); st != http.StatusServiceUnavailable || !strings.Contains(msg, "blocked") {
		t.Fatalf("a blocked address joins: %d %s", st, msg)
	}
	teacher.do("POST", "/api/class", `{"unblock":"127.0.0.1"}`)
	if st, _ := browser(t, ts).join(code, "again"); st != 200 {
		t.Fatalf("after unblocking: %d", st)
	}
	// A late page's history: the generations played and the changes.
	tc.post(`{"action":"step","steps":4}`)
	for f := tc.frame(5 * time.Second); f.Generation != 4; f = tc.frame(5 * time.Second) {
	}
	tc.post(`{"action":"set","platform":2,"params":{"ta":0.4}}`)
	tc.post(`{"action":"step","steps":3}`)
	for f := tc.frame(5 * time.Second); f.Generation != 7; f = tc.frame(5 * time.Second) {
	}
	late := openWith(t, pupils[1].hc, ts.URL)
	var h History
	if err := json.Unmarshal(late.next("history", 5*time.Second).data, &h); err != nil {
		t.Fatal(err)
	}
	if len(h.Points) != 3 || len(h.Points[0]) != 7 || h.Points[0][6][0] != 6 || len(h.Marks) != 1 || h.Marks[0].Generation != 4 || h.Marks[0].Label != "lemon8 ta = 0.4" {
		t.Fatalf("history: %d platforms, %d points, marks %+v", len(h.Points), len(h.Points[0]), h.Marks)
	}
	teacher.do("POST", "/api/class", `{"newCode":true}`)
	codesMu.Lock()
	defer codesMu.Unlock()
	if len(codes) != 1 || codes[0] != srv.JoinCode() {
		t.Fatalf("OnCode got %v, the code is %s", codes, srv.JoinCode())
	}
}
