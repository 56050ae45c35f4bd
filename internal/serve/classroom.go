package serve

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/time/rate"

	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
)

// A classroom (culturesim serve --classroom) is one shared world that
// runs for the server's life, on the teacher's screen and on every
// student's. Students join from their own browsers with the short code
// the teacher's page shows; each is given one platform, whose culture
// (sim.Setting.Culture: α, T_A, T_B, the feed) they control, while the
// teacher controls everything else, can lock the students' controls,
// trigger events and replay the class's history.
//
// Every request but the join form and the join itself must carry a
// participant's cookie: a student's holds the join code and the
// student's own token, the teacher's the secret of the URL printed on
// the terminal. Nothing a student sends reaches the world but a "set"
// of their own platform's culture, checked as any control is; requests
// are rate-limited by client address and student; streams never block
// the world (a subscriber that does not keep up is dropped, and its page
// reconnects).

// Limits of a classroom.
const (
	DefaultStudents   = 40  // participants, unless --students says otherwise
	MaxStudents       = 500 // the most --students may allow
	DefaultPerAddress = 3   // students joining from one address, unless --per-address says otherwise
	streamsPerPupil   = 3   // a student's tabs
	teacherStreams    = 8   // the teacher's tabs
	maxNameLen        = 24  // a student's (or group's) name, in characters
	subscriberQueue   = 64  // messages a stream may fall behind before it is dropped
	maxLimiters       = 4096
	codeAlphabet      = "ACDEFHJKMNPRTUVWXY34679" // no look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G)
	codeLength        = 6
	studentCookie     = "culturesim_class"   // and the port: two classes on one machine keep theirs
	teacherCookie     = "culturesim_teacher" // and the port
	viewInterval      = 100 * time.Millisecond
)

// Rates of a classroom's limits: requests of a client address (students
// and strangers; the teacher is not limited), controls of a student,
// join attempts of an address. A page's slider sends at most about 8
// controls a second.
var (
	addressRate  = rate.Limit(40)
	addressBurst = 80
	controlRate  = rate.Limit(10)
	controlBurst = 20
	joinRate     = rate.Limit(1)
	joinBurst    = 20
	// Every address's join attempts together: guessing from many
	// addresses at once is as slow as from few.
	classJoinRate  = rate.Limit(5)
	classJoinBurst = 100
	errNotStudent  = errors.New("not a participant")
)

// ClassOptions configure a classroom.
type ClassOptions struct {
	// Students caps the participants: [1, MaxStudents], 0 for
	// DefaultStudents.
	Students int
	// PerAddress caps the students joining from one client address:
	// [1, MaxStudents], 0 for DefaultPerAddress (a student cannot take
	// every platform or fill the class).
	PerAddress int
	// JoinURLs are the addresses students open, shown on the teacher's
	// page.
	JoinURLs []string
	// OnCode, if set, is told every new join code the teacher draws (the
	// command line prints it).
	OnCode func(code string)
}

type classroom struct {
	teacher    string // the teacher's secret
	cap        int
	perAddress int
	ses        *session
	// platforms is held (read) while a student's platform is chosen or
	// used, and (write) while the teacher changes the scenario, so that
	// no student is ever on a platform the world does not have.
	platforms sync.RWMutex

	mu       sync.Mutex
	code     string // students' join code (the teacher may draw a new one)
	joinURLs []string
	students map[string]*student // by token
	joined   []*student          // in order of joining
	nextID   int
	locked   bool
	subs     map[*subscriber]bool
	// last are the messages a new subscriber needs: the hello, every
	// platform's phase diagram and the latest frame.
	lastHello  []byte
	lastPhases map[int][]byte
	lastFrame  []byte
	addresses  map[string]*rate.Limiter
	joins      map[string]*rate.Limiter
	classJoins *rate.Limiter
	viewsDue   bool // a view push is scheduled (at most one a viewInterval)
	refused    []Refusal
	blocked    map[string]bool // addresses the teacher blocked
	onCode     func(code string)
	// Dropped counts subscribers dropped for not keeping up (tests).
	dropped int
}

type student struct {
	token    string
	code     string // the code it joined with
	address  string
	id       int
	name     string
	platform int
	limiter  *rate.Limiter
	streams  int
}

type subscriber struct {
	ch       chan []byte
	student  *student // nil: the teacher
	lastView []byte   // the class view it was sent last
}

// ClassView is what a participant's page learns about the class: sent
// as a "class" event after the hello and whenever it changes.
type ClassView struct {
	Role     string `json:"role"` // "teacher" or "student"
	Name     string `json:"name,omitempty"`
	Platform int    `json:"platform"` // the student's (−1: the teacher)
	Locked   bool   `json:"locked"`
	// Culture lists the settings a student controls.
	Culture []string `json:"culture"`
	Cap     int      `json:"cap"`
	Joined  int      `json:"joined"`
	// For the teacher: the code, where to join, who has, the most
	// students an address may hold, the joins refused lately and the
	// addresses blocked.
	Code       string        `json:"code,omitempty"`
	JoinURLs   []string      `json:"joinURLs,omitempty"`
	Students   []StudentInfo `json:"students,omitempty"`
	PerAddress int           `json:"perAddress,omitempty"`
	Refused    []Refusal     `json:"refused,omitempty"`
	Blocked    []string      `json:"blocked,omitempty"`
}

// Refusal counts the joins refused from an address, for one reason.
type Refusal struct {
	Address string `json:"address"`
	Reason  string `json:"reason"` // "full", "address" (the per-address limit) or "blocked"
	Count   int    `json:"count"`
}

// maxRefusals bounds the refusals the teacher's view keeps (the latest).
const maxRefusals = 10

// StudentInfo is a participant in the teacher's list.
type StudentInfo struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	Platform int    `json:"platform"`
	Online   bool   `json:"online"`
}

// NewClassroom makes a classroom server for sc (fig4c if nil). Its world
// plays until ctx ends.
func NewClassroom(ctx context.Context, sc *scenarios.Scenario, opt ClassOptions) (*Server, error) {
	switch {
	case opt.Students == 0:
		opt.Students = DefaultStudents
	case opt.Students < 1 || opt.Students > MaxStudents:
		return nil, fmt.Errorf("serve: --students = %d is outside its allowed range [1, %d]", opt.Students, MaxStudents)
	}
	switch {
	case opt.PerAddress == 0:
		opt.PerAddress = DefaultPerAddress
	case opt.PerAddress < 1 || opt.PerAddress > MaxStudents:
		return nil, fmt.Errorf("serve: --per-address = %d is outside its allowed range [1, %d]", opt.PerAddress, MaxStudents)
	}
	s, err := New(sc)
	if err != nil {
		return nil, err
	}
	ses, err := newSession(s.scenario, "class")
	if err != nil {
		return nil, err
	}
	c := &classroom{code: newCode(), teacher: newID() + newID(), cap: opt.Students, perAddress: opt.PerAddress, ses: ses, joinURLs: opt.JoinURLs,
		students: map[string]*student{}, subs: map[*subscriber]bool{}, lastPhases: map[int][]byte{},
		addresses: map[string]*rate.Limiter{}, joins: map[string]*rate.Limiter{}, classJoins: rate.NewLimiter(classJoinRate, classJoinBurst),
		blocked: map[string]bool{}, onCode: opt.OnCode}
	s.class = c
	go ses.run(ctx, c.broadcast)
	return s, nil
}

// newCode draws a join code.
func newCode() string {
	b := make([]byte, codeLength)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(codeAlphabet))))
		if err != nil {
			panic(err) // crypto/rand does not fail on supported systems
		}
		b[i] = codeAlphabet[n.Int64()]
	}
	return string(b)
}

// JoinCode is the code students enter ("" for a server without a class).
func (s *Server) JoinCode() string {
	if s.class == nil {
		return ""
	}
	s.class.mu.Lock()
	defer s.class.mu.Unlock()
	return s.class.code
}

// TeacherPath is the path (with its secret) that makes a browser the
// teacher's: open it on the teacher's own screen.
func (s *Server) TeacherPath() string {
	if s.class == nil {
		return "/"
	}
	return "/?teacher=" + s.class.teacher
}

// SetJoinURLs sets the addresses the teacher's page shows for joining.
func (s *Server) SetJoinURLs(urls []string) {
	if s.class == nil {
		return
	}
	s.class.mu.Lock()
	s.class.joinURLs = urls
	s.class.mu.Unlock()
	s.class.pushViews()
}

// Participants returns the number of students who have joined.
func (s *Server) Participants() int {
	if s.class == nil {
		return 0
	}
	s.class.mu.Lock()
	defer s.class.mu.Unlock()
	return len(s.class.joined)
}

// LANURLs lists http://IP:port/ for this machine's non-loopback
// addresses (IPv4 first), where students on the local network can reach
// a server listening on every address (0.0.0.0).
func LANURLs(port string) []string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var v4, v6 []string
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() {
			continue
		}
		u := "http://" + net.JoinHostPort(ipn.IP.String(), port) + "/"
		if ipn.IP.To4() != nil {
			v4 = append(v4, u)
		} else {
			v6 = append(v6, u)
		}
	}
	return append(v4, v6...)
}

// broadcast is the shared session's send: every subscriber gets the
// message, without waiting for any of them.
func (c *classroom) broadcast(event string, v any) error {
	msg, err := sseMessage(event, v)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch event {
	case "hello":
		c.lastHello, c.lastFrame = msg, nil
		clear(c.lastPhases)
	case "phase":
		c.lastPhases[v.(*Phase).Index] = msg
	case "frame":
		c.lastFrame = msg
	}
	for sub := range c.subs {
		c.deliver(sub, msg)
	}
	return nil
}

// deliver queues msg for sub (call with c.mu held), dropping a
// subscriber whose queue is full: its page reconnects and starts again
// from the latest messages.
func (c *classroom) deliver(sub *subscriber, msg []byte) {
	select {
	case sub.ch <- msg:
	default:
		c.dropped++
		c.unsubscribe(sub)
	}
}

// unsubscribe removes sub (call with c.mu held; once).
func (c *classroom) unsubscribe(sub *subscriber) {
	if !c.subs[sub] {
		return
	}
	delete(c.subs, sub)
	close(sub.ch)
	if sub.student != nil {
		sub.student.streams--
	}
}

// view is what sub's page learns about the class (call with c.mu held).
func (c *classroom) view(st *student) ClassView {
	v := ClassView{Role: "teacher", Platform: -1, Locked: c.locked, Culture: cultureKeys(), Cap: c.cap, Joined: len(c.joined)}
	if st != nil {
		v.Role, v.Name, v.Platform = "student", st.name, st.platform
		return v
	}
	v.Code, v.JoinURLs, v.PerAddress, v.Refused = c.code, c.joinURLs, c.perAddress, c.refused
	for a := range c.blocked {
		v.Blocked = append(v.Blocked, a)
	}
	slices.Sort(v.Blocked)
	v.Students = []StudentInfo{}
	for _, p := range c.joined {
		v.Students = append(v.Students, StudentInfo{ID: p.id, Name: p.name, Platform: p.platform, Online: p.streams > 0})
	}
	return v
}

func (c *classroom) viewMessage(st *student) []byte {
	msg, _ := sseMessage("class", c.view(st)) // a ClassView always marshals
	return msg
}

// pushViews has every subscriber sent its view of the class, if it
// changed, within viewInterval: a burst of joins or reconnections makes
// one push, not one per subscriber per change.
func (c *classroom) pushViews() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.viewsDue {
		return
	}
	c.viewsDue = true
	time.AfterFunc(viewInterval, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.viewsDue = false
		var teacher []byte // the teacher's view, made once
		for sub := range c.subs {
			var msg []byte
			if sub.student == nil {
				if teacher == nil {
					teacher = c.viewMessage(nil)
				}
				msg = teacher
			} else {
				msg = c.viewMessage(sub.student)
			}
			if !bytes.Equal(msg, sub.lastView) {
				sub.lastView = msg
				c.deliver(sub, msg)
			}
		}
	})
}

// cultureKeys lists the settings students control.
func cultureKeys() []string { return settingKeys(func(st sim.Setting) bool { return st.Culture }) }

// who identifies a request's participant: the teacher (teacher true), a
// student, or nobody (errNotStudent).
func (c *classroom) who(r *http.Request) (st *student, teacher bool, err error) {
	if ck, err := r.Cookie(cookieName(teacherCookie, r)); err == nil && subtle.ConstantTimeCompare([]byte(ck.Value), []byte(c.teacher)) == 1 {
		return nil, true, nil
	}
	ck, err := r.Cookie(cookieName(studentCookie, r))
	if err != nil {
		return nil, false, errNotStudent
	}
	code, token, ok := strings.Cut(ck.Value, "-")
	if !ok {
		return nil, false, errNotStudent
	}
	c.mu.Lock()
	st = c.students[token]
	c.mu.Unlock()
	// The code it joined with: a new code keeps those who joined, and
	// keeps out whom the teacher removed.
	if st == nil || subtle.ConstantTimeCompare([]byte(code), []byte(st.code)) != 1 {
		return nil, false, errNotStudent
	}
	return st, false, nil
}

// cookieName is a cookie's name for the port the request came to:
// browsers share cookies between the ports of a host.
func cookieName(base string, r *http.Request) string {
	_, port, err := net.SplitHostPort(r.Host)
	if err != nil || port == "" {
		port = "80"
	}
	return base + "_" + port
}

// hostAllowed refuses a Host header that is not an address, localhost
// or this machine's name: a page elsewhere that rebinds its own name to
// this machine's address cannot reach the class (DNS rebinding).
func hostAllowed(r *http.Request) bool {
	host := strings.TrimSuffix(strings.ToLower(HostOf(r.Host)), ".")
	if net.ParseIP(host) != nil || host == "localhost" {
		return true
	}
	name, err := os.Hostname()
	if err != nil {
		return false
	}
	name = strings.ToLower(name)
	short, _, _ := strings.Cut(name, ".")
	return host == name || host == short || strings.HasPrefix(host, short+".")
}

// allow takes a token from key's limiter in m (call with c.mu held).
// When m holds maxLimiters addresses, only idle ones (a full bucket:
// forgetting them forgets nothing) make room; if none is idle, a new
// address waits (a flood of addresses can neither grow the heap nor
// reset the limits of others).
func allow(m map[string]*rate.Limiter, key string, r rate.Limit, burst int) bool {
	l := m[key]
	if l == nil {
		if len(m) >= maxLimiters {
			for k, x := range m {
				if x.Tokens() >= float64(burst) {
					delete(m, k)
				}
			}
			if len(m) >= maxLimiters {
				return false
			}
		}
		l = rate.NewLimiter(r, burst)
		m[key] = l
	}
	return l.Allow()
}

// clientAddress is the address a client's limits count under: its IP,
// or for IPv6 its /64 (one device may take any address of its subnet).
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return host
}

// serveClass answers a classroom's requests (after the cross-site
// checks of ServeHTTP).
func (s *Server) serveClass(w http.ResponseWriter, r *http.Request) {
	c := s.class
	if !hostAllowed(r) {
		http.Error(w, "this class answers its own addresses only (Host: "+r.Host+")", http.StatusForbidden)
		return
	}
	st, teacher, err := c.who(r)
	if !teacher {
		c.mu.Lock()
		ok := allow(c.addresses, clientAddress(r), addressRate, addressBurst)
		c.mu.Unlock()
		if !ok {
			w.Header().Set("Retry-After", "1")
			replyError(w, http.StatusTooManyRequests, "too many requests from %s; wait a moment", clientAddress(r))
			return
		}
	}
	path := r.URL.Path
	page := r.Method == http.MethodGet && (path == "/" || path == "/index.html" || path == "/join")
	switch {
	case page && r.URL.Query().Has("teacher"):
		// The secret leaves the address bar (the teacher's screen is
		// projected): it lives on in a cookie.
		if subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("teacher")), []byte(c.teacher)) != 1 {
			http.Error(w, "this is not the teacher's address: open the one culturesim printed on the teacher's terminal", http.StatusForbidden)
			return
		}
		// Lax: a link followed from elsewhere (a chat, a course page)
		// arrives with its cookie; crossSite guards every request that
		// changes anything.
		http.SetCookie(w, &http.Cookie{Name: cookieName(teacherCookie, r), Value: c.teacher, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	case path == "/api/join":
		if r.Method != http.MethodPost {
			replyError(w, http.StatusMethodNotAllowed, "join with POST")
			return
		}
		c.join(w, r, st)
		return
	case err != nil && page:
		serveJoinPage(w)
		return
	case err != nil:
		replyError(w, http.StatusUnauthorized, "join the class first: open this server's address and enter the teacher's code")
		return
	}
	switch {
	case path == "/join":
		http.Redirect(w, r, "/", http.StatusSeeOther) // already in the class
	case path == "/api/whoami" && r.Method == http.MethodGet:
		// The page asks after a refused stream: still in the class?
		role := "teacher"
		if !teacher {
			role = "student"
		}
		replyJSON(w, http.StatusOK, map[string]string{"role": role})
	case path == "/api/stream" && r.Method == http.MethodGet:
		c.stream(w, r, st)
	case path == "/api/control" && r.Method == http.MethodPost:
		c.control(w, r, st)
	case path == "/api/class" && r.Method == http.MethodPost:
		if !teacher {
			replyError(w, http.StatusForbidden, "only the teacher manages the class")
			return
		}
		c.manage(w, r)
	case path == "/api/series.csv" && r.Method == http.MethodGet:
		// Formatting a long series takes memory and time: the teacher's
		// to ask for (and to share).
		if !teacher {
			replyError(w, http.StatusForbidden, "the teacher downloads the class's series")
			return
		}
		writeSeriesCSV(w, c.ses)
	case strings.HasPrefix(path, "/api/"):
		replyError(w, http.StatusNotFound, "no such API: %s %s", r.Method, path)
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		s.mux.ServeHTTP(w, r) // the page's files
	default:
		replyError(w, http.StatusMethodNotAllowed, "%s is not allowed here", r.Method)
	}
}

func serveJoinPage(w http.ResponseWriter) {
	b, err := fs.ReadFile(static, "static/join.html")
	if err != nil {
		panic(err) // embedded: a programmer error
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b)
}

// JoinRequest is the body of POST /api/join.
type JoinRequest struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// join admits a student with the right code while the class has room,
// on the platform with the fewest students; a student already in the
// class (its cookie) stays who it is, and one address may hold at most
// perAddress students.
func (c *classroom) join(w http.ResponseWriter, r *http.Request, already *student) {
	addr := clientAddress(r)
	c.mu.Lock()
	ok := allow(c.joins, addr, joinRate, joinBurst) && c.classJoins.Allow()
	c.mu.Unlock()
	if !ok {
		w.Header().Set("Retry-After", "2")
		replyError(w, http.StatusTooManyRequests, "too many attempts to join; wait a few seconds")
		return
	}
	var jr JoinRequest
	if !decodeBody(w, r, 1024, &jr, "request") {
		return
	}
	if already != nil {
		c.mu.Lock()
		name, platform := already.name, already.platform
		c.mu.Unlock()
		replyJSON(w, http.StatusOK, map[string]any{"name": name, "platform": platform, "again": true})
		return
	}
	code := strings.ToUpper(strings.Join(strings.Fields(jr.Code), ""))
	c.mu.Lock()
	current := c.code
	c.mu.Unlock()
	if subtle.ConstantTimeCompare([]byte(code), []byte(current)) != 1 {
		replyError(w, http.StatusForbidden, "%q is not this class's code: it is the %d letters and digits on the teacher's screen", jr.Code, codeLength)
		return
	}
	name, err := cleanName(jr.Name)
	if err != nil {
		replyError(w, http.StatusBadRequest, "%v", err)
		return
	}
	c.platforms.RLock() // no scenario change until the student has its platform
	defer c.platforms.RUnlock()
	n := c.ses.platformCount()
	c.mu.Lock()
	fromHere := 0
	for _, p := range c.joined {
		if p.address == addr {
			fromHere++
		}
	}
	refuse := func(reason, format string, a ...any) {
		c.noteRefusal(addr, reason)
		c.mu.Unlock()
		c.pushViews() // the teacher sees who was turned away, and why
		replyError(w, http.StatusServiceUnavailable, format, a...)
	}
	switch {
	case c.blocked[addr]:
		refuse("blocked", "the teacher has blocked this device's address; ask the teacher")
		return
	case len(c.joined) >= c.cap:
		refuse("full", "the class is full (%d participants); ask the teacher", c.cap)
		return
	case fromHere >= c.perAddress:
		refuse("address", "%d students have joined from this device's address; that is the most (ask the teacher)", c.perAddress)
		return
	}
	c.nextID++
	if name == "" {
		name = "student " + strconv.Itoa(c.nextID)
	}
	st := &student{token: newID(), code: current, address: addr, id: c.nextID, name: name, platform: c.leastTaken(n),
		limiter: rate.NewLimiter(controlRate, controlBurst)}
	c.students[st.token] = st
	c.joined = append(c.joined, st)
	c.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName(studentCookie, r), Value: current + "-" + st.token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	replyJSON(w, http.StatusOK, map[string]any{"name": st.name, "platform": st.platform})
	c.pushViews()
}

// noteRefusal counts a refused join for the teacher's view (call with
// c.mu held).
func (c *classroom) noteRefusal(addr, reason string) {
	for i := range c.refused {
		if c.refused[i].Address == addr && c.refused[i].Reason == reason {
			c.refused[i].Count++
			return
		}
	}
	c.refused = append(c.refused, Refusal{Address: addr, Reason: reason, Count: 1})
	if len(c.refused) > maxRefusals {
		c.refused = c.refused[1:]
	}
}

// cleanName keeps a student's name short and printable.
func cleanName(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if n := len([]rune(s)); n > maxNameLen {
		return "", fmt.Errorf("name: %d characters; up to %d please", n, maxNameLen)
	}
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return "", fmt.Errorf("name: only printable characters please")
	}
	return s, nil
}

// leastTaken is the platform (of n) with the fewest students, the first
// of a tie (call with c.mu held).
func (c *classroom) leastTaken(n int) int {
	count := make([]int, n)
	for _, p := range c.joined {
		if p.platform < n {
			count[p.platform]++
		}
	}
	return slices.Index(count, slices.Min(count))
}

// rebalance deals the students out again, in the order they joined,
// when the world's platforms changed in number (another scenario): so
// the groups of a three-platform scenario come back as they were after
// a one-platform one. The caller holds c.platforms.
func (c *classroom) rebalance(before int) {
	n := c.ses.platformCount()
	if n == before {
		return
	}
	c.mu.Lock()
	for i, p := range c.joined {
		p.platform = i % n
	}
	c.mu.Unlock()
	c.pushViews()
}

// stream sends the shared world's messages to one participant.
func (c *classroom) stream(w http.ResponseWriter, r *http.Request, st *student) {
	if _, ok := w.(http.Flusher); !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	sub := &subscriber{ch: make(chan []byte, subscriberQueue), student: st}
	// The series so far, before the latest frame (taken after it, under
	// c.mu): the page's chart starts where the class is.
	history, _ := sseMessage("history", c.ses.historySoFar())
	c.mu.Lock()
	teacherSubs := 0
	for x := range c.subs {
		if x.student == nil {
			teacherSubs++
		}
	}
	switch {
	case st != nil && st.streams >= streamsPerPupil:
		c.mu.Unlock()
		replyError(w, http.StatusServiceUnavailable, "%d pages of %s are open; close one first", streamsPerPupil, st.name)
		return
	case st == nil && teacherSubs >= teacherStreams:
		c.mu.Unlock()
		replyError(w, http.StatusServiceUnavailable, "%d teacher's pages are open; close one first", teacherStreams)
		return
	}
	sub.lastView = c.viewMessage(st)
	first := [][]byte{c.lastHello, sub.lastView}
	for k := range len(c.lastPhases) {
		first = append(first, c.lastPhases[k])
	}
	first = append(first, history, c.lastFrame)
	c.subs[sub] = true
	if st != nil {
		st.streams++
	}
	c.mu.Unlock()
	c.pushViews() // the teacher sees who is online
	defer func() {
		c.mu.Lock()
		c.unsubscribe(sub)
		c.mu.Unlock()
		c.pushViews()
	}()
	write := eventStream(w, WriteTimeout)
	for _, m := range first {
		if m != nil && write(m) != nil { // nil: no frame yet
			return
		}
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case m, ok := <-sub.ch:
			if !ok || write(m) != nil {
				return
			}
		}
	}
}

// control performs a participant's control: anything the teacher's, and
// a student's "set" of their own platform's culture while unlocked.
func (c *classroom) control(w http.ResponseWriter, r *http.Request, st *student) {
	limit := int64(1 << 16)
	if st != nil {
		limit = 4096
		c.mu.Lock()
		ok := st.limiter.Allow()
		c.mu.Unlock()
		if !ok {
			w.Header().Set("Retry-After", "1")
			replyError(w, http.StatusTooManyRequests, "too many changes at once; wait a moment")
			return
		}
	}
	ctl := Control{Platform: -1}
	if !decodeBody(w, r, limit, &ctl, "control") {
		return
	}
	// A student's platform holds until its control is applied; the
	// teacher's new scenario waits for those under way (and they for it).
	if ctl.Action == "scenario" || ctl.Action == "reload" {
		c.platforms.Lock()
		defer c.platforms.Unlock()
	} else {
		c.platforms.RLock()
		defer c.platforms.RUnlock()
	}
	if st != nil {
		if code, err := c.studentMay(st, ctl); err != nil {
			replyError(w, code, "%v", err)
			return
		}
		ctl.student = true
	}
	before := c.ses.platformCount()
	if err := c.ses.apply(ctl); err != nil {
		replyError(w, applyStatus(err), "%v", err)
		return
	}
	if ctl.Action == "scenario" {
		c.rebalance(before)
	}
	replyJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// studentMay refuses what a student may not do, with the status to
// answer.
func (c *classroom) studentMay(st *student, ctl Control) (int, error) {
	c.mu.Lock()
	platform, locked := st.platform, c.locked
	c.mu.Unlock()
	switch {
	case ctl.Action != "set":
		return http.StatusForbidden, fmt.Errorf("only the teacher can %s; you set your platform's culture (%s)", ctl.Action, strings.Join(cultureKeys(), ", "))
	case ctl.Phase != "":
		return http.StatusForbidden, errors.New("the teacher chooses the diagram's axes")
	case ctl.Platform != platform:
		return http.StatusForbidden, fmt.Errorf("you control platform %d only (this request is for %d)", platform, ctl.Platform)
	case locked:
		return http.StatusConflict, errors.New("the teacher has locked the controls")
	}
	for key := range ctl.Params {
		if st, ok := sim.LookupSetting(key); !ok || !st.Culture {
			return http.StatusForbidden, fmt.Errorf("%q is the teacher's to set; you set your platform's culture (%s)", key, strings.Join(cultureKeys(), ", "))
		}
	}
	return 0, nil
}

// Manage is the body of POST /api/class (the teacher's): lock or unlock
// the students' controls, move a student to a platform, remove one, or
// draw a new code.
type Manage struct {
	Lock   *bool `json:"lock,omitempty"`
	Assign *struct {
		ID       int `json:"id"`
		Platform int `json:"platform"`
	} `json:"assign,omitempty"`
	Remove int `json:"remove,omitempty"` // a student's id: it may join again
	// Block removes a student (by id) and refuses its address's joins;
	// Unblock lets an address join again.
	Block   int    `json:"block,omitempty"`
	Unblock string `json:"unblock,omitempty"`
	// PerAddress sets the most students one address may hold.
	PerAddress int `json:"perAddress,omitempty"`
	// NewCode draws another join code: those who joined stay; a removed
	// student cannot join again with the old one.
	NewCode bool `json:"newCode,omitempty"`
}

func (c *classroom) manage(w http.ResponseWriter, r *http.Request) {
	var m Manage
	if !decodeBody(w, r, 4096, &m, "request") {
		return
	}
	c.platforms.RLock()
	defer c.platforms.RUnlock()
	n := c.ses.platformCount()
	c.mu.Lock()
	find := func(id int) *student {
		for _, p := range c.joined {
			if p.id == id {
				return p
			}
		}
		return nil
	}
	var err error
	switch {
	case m.Lock != nil:
		c.locked = *m.Lock
	case m.Assign != nil:
		p := find(m.Assign.ID)
		switch {
		case p == nil:
			err = fmt.Errorf("assign: there is no student %d", m.Assign.ID)
		case m.Assign.Platform < 0 || m.Assign.Platform >= n:
			err = fmt.Errorf("assign: platform = %d is outside its allowed range [0, %d]", m.Assign.Platform, n-1)
		default:
			p.platform = m.Assign.Platform
		}
	case m.Remove != 0 || m.Block != 0:
		id := max(m.Remove, m.Block)
		p := find(id)
		if p == nil {
			err = fmt.Errorf("remove: there is no student %d", id)
			break
		}
		if m.Block != 0 {
			c.blocked[p.address] = true
		}
		delete(c.students, p.token)
		c.joined = slices.DeleteFunc(c.joined, func(x *student) bool { return x == p })
		for sub := range c.subs {
			if sub.student == p {
				c.unsubscribe(sub)
			}
		}
	case m.Unblock != "":
		delete(c.blocked, m.Unblock)
	case m.PerAddress != 0:
		if m.PerAddress < 1 || m.PerAddress > MaxStudents {
			err = fmt.Errorf("perAddress = %d is outside its allowed range [1, %d]", m.PerAddress, MaxStudents)
			break
		}
		c.perAddress = m.PerAddress
	case m.NewCode:
		c.code = newCode()
		if c.onCode != nil {
			c.onCode(c.code)
		}
	default:
		err = errors.New("give lock, assign, remove, block, unblock, perAddress or newCode")
	}
	c.mu.Unlock()
	if err != nil {
		replyError(w, http.StatusBadRequest, "%v", err)
		return
	}
	c.pushViews()
	replyJSON(w, http.StatusOK, map[string]bool{"ok": true})
}
