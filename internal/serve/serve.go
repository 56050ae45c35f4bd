// Package serve is culturesim's teaching mode: an HTTP server whose
// embedded page shows a simulation running live, with the analytic phase
// diagram of the current parameters beside it.
//
// Every browser tab has its own session: opening the event stream
// (GET /api/stream, server-sent events) creates one, and the session lives
// exactly as long as that request. The simulation runs inside the
// request's handler goroutine, so closing the tab cancels the request and
// ends the simulation: no goroutine outlives its tab. Controls arrive as
// POST /api/control?session=ID with a JSON body; invalid parameters are
// answered with status 400 and a message the page shows.
//
// The simulation is the engine itself (sim.World; a scenario without
// platforms is a world of one platform, which draws exactly like the
// single population): session seed s draws from rng.Stream(s, 0, 0), the
// stream of replicate 0 of "culturesim run", so a session reset with the
// scenario's seed replays that replicate until the first parameter change
// or triggered event (a reset forgets triggered events). A frame plays at
// most 25 ms of generations; what a faster speed asks for waits, so a
// session answers its controls at once and stops when its tab closes.
//
// A session remembers the changes made since its last reset (parameters
// set, events triggered) at the generations they acted in; "replay"
// starts again from the seed and the parameters of that reset and
// applies each again before its generation, so the same history plays
// again, generation for generation.
//
// A classroom (NewClassroom, culturesim serve --classroom) is one shared
// session for the server's life instead: see classroom.go.
package serve

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/culturesim/culturesim/scenarios"
)

//go:embed static
var static embed.FS

// FrameInterval is the period of frames while a simulation plays: 25 a
// second.
const FrameInterval = 40 * time.Millisecond

// Server serves the teaching page and its sessions.
type Server struct {
	scenario *scenarios.Scenario
	mux      *http.ServeMux

	// class: a classroom's shared world and participants (nil: a
	// session a tab).
	class *classroom

	// loopback: answer only requests addressed to a loopback name, so
	// that a web page elsewhere cannot reach this server through DNS
	// rebinding.
	loopback bool

	mu        sync.Mutex
	sessions  map[string]*session
	building  int            // sessions whose world is being built: they hold a slot
	perClient map[string]int // sessions (and those being built) by client address
	freed     time.Time      // when memory was last returned to the system
	// Started and Ended count sessions over the server's life (tests).
	started, ended int
	// writeTimeout and pingInterval are WriteTimeout and PingInterval
	// (tests shorten them on their own server).
	writeTimeout, pingInterval time.Duration
}

// New makes a server for a scenario (nil: the built-in fig4c lattice).
func New(sc *scenarios.Scenario) (*Server, error) {
	if sc == nil {
		var err error
		if sc, err = scenarios.Builtin("fig4c"); err != nil {
			return nil, err
		}
	}
	if _, err := newSession(sc, ""); err != nil {
		return nil, fmt.Errorf("serve: scenario %s: %w", sc.Name, err)
	}
	s := &Server{scenario: sc, mux: http.NewServeMux(), sessions: map[string]*session{}, perClient: map[string]int{},
		writeTimeout: WriteTimeout, pingInterval: PingInterval}
	files, err := fs.Sub(static, "static")
	if err != nil {
		return nil, err
	}
	s.mux.Handle("GET /", http.FileServerFS(files))
	s.mux.HandleFunc("GET /api/stream", s.stream)
	s.mux.HandleFunc("POST /api/control", s.control)
	s.mux.HandleFunc("GET /api/series.csv", s.seriesCSV)
	return s, nil
}

// MaxSessions bounds the simultaneous sessions (tabs).
const MaxSessions = 64

// MaxSessionsPerClient bounds one client address's sessions, so that
// one client cannot take every slot (a class's browsers each have their
// own address; a teacher's tabs on one machine share one).
const MaxSessionsPerClient = 16

// WriteTimeout bounds the writing of one frame: a tab that stops reading
// loses its session after it.
const WriteTimeout = 10 * time.Second

// PingInterval: a paused session sends a comment this often, so that a
// client that never reads fills its connection and meets WriteTimeout.
const PingInterval = 15 * time.Second

// returnMemory gives the heap of ended sessions back to the system when
// the last session ends (at most every 10 s): the server's memory after a
// burst returns to what it was before.
func (s *Server) returnMemory() {
	s.mu.Lock()
	if time.Since(s.freed) < 10*time.Second {
		s.mu.Unlock()
		return
	}
	s.freed = time.Now()
	s.mu.Unlock()
	debug.FreeOSMemory()
}

// RestrictToLoopback makes the server refuse requests whose Host is not
// a loopback name (localhost, 127.0.0.1, [::1]): for a server bound to
// loopback, it keeps other web sites' pages from driving it.
func (s *Server) RestrictToLoopback() { s.loopback = true }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if msg := crossSite(r); msg != "" {
		http.Error(w, msg, http.StatusForbidden)
		return
	}
	if s.loopback && !IsLoopbackHost(HostOf(r.Host)) {
		http.Error(w, "this teaching server answers loopback addresses only", http.StatusForbidden)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY") // never inside another page's frame
	w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
	if s.class != nil {
		s.serveClass(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// crossSite refuses requests that another web site's page makes: for the
// API (sessions, controls), anything but the page's own origin, by the
// browser's Sec-Fetch-Site and, where it sends one, Origin; for the page
// itself, cross-site requests other than navigation (a link followed is
// fine; a page embedding it is not). Requests without these headers
// (curl, tests, older browsers) pass: they come from no web page.
func crossSite(r *http.Request) string {
	site := r.Header.Get("Sec-Fetch-Site")
	api := strings.HasPrefix(r.URL.Path, "/api/")
	if api {
		if site != "" && site != "same-origin" && site != "none" {
			return "the teaching server's API answers its own page only (Sec-Fetch-Site: " + site + ")"
		}
		if o := r.Header.Get("Origin"); o != "" {
			u, err := url.Parse(o)
			if err != nil || u.Host != r.Host {
				return "the teaching server's API answers its own page only (Origin: " + o + ")"
			}
		}
		return ""
	}
	// A link followed is a top-level navigation; a frame or an embed in
	// another site's page is not (clickjacking).
	if site == "cross-site" && (r.Header.Get("Sec-Fetch-Mode") != "navigate" || r.Header.Get("Sec-Fetch-Dest") != "document") {
		return "the teaching page is not served to other sites' pages"
	}
	return ""
}

// Sessions returns the number of live sessions.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Counts returns how many sessions have started and ended.
func (s *Server) Counts() (started, ended int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started, s.ended
}

func newID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b[:])
}

// stream runs one session for as long as the request lives, pushing its
// frames as server-sent events.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	if _, ok := w.(http.Flusher); !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	// The slot is taken before the world is built: a refused request
	// costs nothing, so a flood of them cannot grow the heap.
	client, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		client = r.RemoteAddr
	}
	s.mu.Lock()
	switch {
	case len(s.sessions)+s.building >= MaxSessions:
		s.mu.Unlock()
		http.Error(w, fmt.Sprintf("%d simulations are running; close a tab first", MaxSessions), http.StatusServiceUnavailable)
		return
	case s.perClient[client] >= MaxSessionsPerClient:
		s.mu.Unlock()
		http.Error(w, fmt.Sprintf("%d simulations are running from %s; close a tab first", MaxSessionsPerClient, client), http.StatusServiceUnavailable)
		return
	}
	s.building++
	s.perClient[client]++
	s.mu.Unlock()
	ses, err := newSession(s.scenario, newID())
	if ses != nil {
		ses.pingInterval = s.pingInterval
	}
	s.mu.Lock()
	s.building--
	if err != nil {
		s.perClient[client]--
		s.mu.Unlock()
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.sessions[ses.id] = ses
	s.started++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.sessions, ses.id)
		if s.perClient[client]--; s.perClient[client] == 0 {
			delete(s.perClient, client)
		}
		s.ended++
		idle := len(s.sessions) == 0 && s.building == 0
		s.mu.Unlock()
		if idle {
			s.returnMemory()
		}
	}()
	write := eventStream(w, s.writeTimeout)
	ses.run(r.Context(), func(event string, v any) error {
		msg, err := sseMessage(event, v)
		if err != nil {
			return err
		}
		return write(msg)
	})
}

// eventStream starts a response of server-sent events and returns the
// function that writes one message. A client that stops reading would
// block a write forever and hold its slot: every message must be
// written within timeout.
func eventStream(w http.ResponseWriter, timeout time.Duration) func(msg []byte) error {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	return func(msg []byte) error {
		rc.SetWriteDeadline(time.Now().Add(timeout))
		if _, err := w.Write(msg); err != nil {
			return err
		}
		return rc.Flush()
	}
}

// sseMessage is one server-sent event: its name and v as JSON.
func sseMessage(event string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return fmt.Appendf(nil, "event: %s\ndata: %s\n\n", event, b), nil
}

// Control is the body of POST /api/control.
type Control struct {
	// Action: play, pause, step, reset, replay, set, speed, event,
	// scenario, reload (the scenario again, as loaded) or structure.
	Action string `json:"action"`
	// Seed for reset (0: the scenario's).
	Seed uint64 `json:"seed,omitempty"`
	// Steps for step (default 1).
	Steps int `json:"steps,omitempty"`
	// Speed for speed: generations per second, (0, 1000].
	Speed float64 `json:"speed,omitempty"`
	// Platform whose parameters set changes: −1 for every platform.
	Platform int `json:"platform"`
	// Params for set: any of b, c, v, alpha, ta, tb, initiation (numbers)
	// and selection ("global" or "local").
	Params map[string]any `json:"params,omitempty"`
	// Phase picks the phase diagram's axes: "bias" (T_A − T_B, c) or
	// "v" (v, c).
	Phase string `json:"phase,omitempty"`
	// Event for event: a migration now.
	Event *EventControl `json:"event,omitempty"`
	// For scenario: a built-in's name, or an uploaded file's text and
	// name.
	Scenario string              `json:"scenario,omitempty"`
	TOML     string              `json:"toml,omitempty"`
	File     string              `json:"file,omitempty"`
	parsed   *scenarios.Scenario // the scenario's, read before the session's lock
	// student: a classroom's student sent it (refused while the
	// teacher replays).
	student bool
}

// EventControl triggers a migration event in the next generation.
type EventControl struct {
	From      int     `json:"from"`
	To        int     `json:"to"`
	Fraction  float64 `json:"fraction"`
	Phenotype string  `json:"phenotype,omitempty"` // "any" (default), "A" or "B"
}

// seriesCSV serves a session's series (see session.seriesCSV) as a
// download.
func (s *Server) seriesCSV(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ses := s.sessions[r.URL.Query().Get("session")]
	s.mu.Unlock()
	if ses == nil {
		http.Error(w, "no such session (it ends when its page is closed); reload the page", http.StatusNotFound)
		return
	}
	writeSeriesCSV(w, ses)
}

// writeSeriesCSV answers with a session's series as a download, formatted
// outside the session's lock (its world plays on).
func writeSeriesCSV(w http.ResponseWriter, ses *session) {
	ses.mu.Lock()
	recs, names := ses.series()
	name, seed := ses.sc.Name, ses.seed
	ses.mu.Unlock()
	b := seriesTable(recs, names)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", fmt.Sprintf("%s-seed-%d-series.csv", name, seed)))
	w.Write(b)
}

func (s *Server) control(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("session")
	s.mu.Lock()
	ses := s.sessions[id]
	s.mu.Unlock()
	if ses == nil {
		replyError(w, http.StatusNotFound, "no such session (it ends when its page is closed); reload the page")
		return
	}
	c := Control{Platform: -1}
	if !decodeBody(w, r, 1<<16, &c, "control") {
		return
	}
	if err := ses.apply(c); err != nil {
		replyError(w, applyStatus(err), "%v", err)
		return
	}
	replyJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// decodeBody reads r's body, of at most limit bytes, as exactly one JSON
// value of v's fields; otherwise it answers 400 (naming what) and
// reports false.
func decodeBody(w http.ResponseWriter, r *http.Request, limit int64, v any, what string) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		replyError(w, http.StatusBadRequest, "invalid %s: %v", what, err)
		return false
	}
	if dec.More() {
		replyError(w, http.StatusBadRequest, "invalid %s: more than one JSON value", what)
		return false
	}
	return true
}

// applyStatus is the status that answers a control apply refused: the
// one table of the teaching server's errors.
func applyStatus(err error) int {
	var ue userError
	switch {
	case errors.Is(err, errClosed):
		return http.StatusNotFound
	case errors.Is(err, errReplaying):
		return http.StatusConflict
	case errors.As(err, &ue):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

func replyJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func replyError(w http.ResponseWriter, code int, format string, a ...any) {
	replyJSON(w, code, map[string]string{"error": fmt.Sprintf(format, a...)})
}

// userError is a control the user can fix (status 400).
type userError struct{ error }

func (e userError) Unwrap() error { return e.error }

func userErrorf(format string, a ...any) error { return userError{fmt.Errorf(format, a...)} }

// ListenAndServe serves on addr until ctx is cancelled, then shuts down
// within a second, closing every session.
// BusyError is a listening address another program holds.
type BusyError struct{ Addr string }

func (e *BusyError) Error() string {
	return fmt.Sprintf("serve: %s is in use by another program (another culturesim serve?): stop it, or choose another port with --addr HOST:PORT", e.Addr)
}

// HostOf is the host of a "host:port" (or a bare host, as a Host header
// may be), without IPv6 brackets.
func HostOf(hostport string) string {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	return strings.Trim(host, "[]")
}

// IsLoopbackHost reports whether host names this machine only:
// localhost or a loopback address.
func IsLoopbackHost(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// IsEveryAddress reports whether a listening host means every address
// (empty, 0.0.0.0, ::).
func IsEveryAddress(host string) bool {
	ip := net.ParseIP(host)
	return host == "" || (ip != nil && ip.IsUnspecified())
}

// PageURL is the address to open for a server asked to listen on asked
// and listening on bound: an unspecified host (0.0.0.0, ::, empty) is
// shown as this machine's name, which others on the network can reach,
// with the bound port; a named host is kept.
func PageURL(asked, bound string) string {
	host := HostOf(asked)
	_, port, _ := net.SplitHostPort(bound)
	if IsEveryAddress(host) {
		name, err := os.Hostname()
		if err != nil || name == "" {
			name = "localhost"
		}
		host = name
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

func ListenAndServe(ctx context.Context, addr string, s *Server, ready func(addr string)) error {
	// Requests are small (controls of at most 64 KB): reading one takes
	// seconds at most; an idle keep-alive connection is closed after a
	// minute. Streams set their own write deadlines (WriteTimeout).
	srv := &http.Server{Addr: addr, Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, IdleTimeout: time.Minute,
		MaxHeaderBytes: 64 << 10, BaseContext: func(lnAddr net.Listener) context.Context { return ctx }}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if addrInUse(err) {
			return &BusyError{Addr: addr}
		}
		return err
	}
	if ready != nil {
		ready(PageURL(addr, ln.Addr().String()))
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	<-errc
	return nil
}
