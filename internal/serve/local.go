package serve

import (
	"context"
	"io/fs"
	"time"

	"github.com/culturesim/culturesim/scenarios"
)

// Local is a teaching session without a server: the static site's
// WebAssembly build runs one in the browser (cmd/culturesim-wasm), with
// the same engine, controls and messages as culturesim serve.
type Local struct{ s *session }

// LocalFrameInterval is the period of a local session's frames: 30 a
// second (no network between the engine and the page).
const LocalFrameInterval = time.Second / 30

// NewLocal makes a session of sc (fig4c if nil).
func NewLocal(sc *scenarios.Scenario) (*Local, error) {
	if sc == nil {
		var err error
		if sc, err = scenarios.Builtin("fig4c"); err != nil {
			return nil, err
		}
	}
	s, err := newSession(sc, "local")
	if err != nil {
		return nil, err
	}
	s.frameInterval = LocalFrameInterval
	return &Local{s: s}, nil
}

// Run streams the session's messages (hello, frame, phase, ping) to send
// until ctx ends or send fails, as culturesim serve streams them.
func (l *Local) Run(ctx context.Context, send func(event string, v any) error) { l.s.run(ctx, send) }

// Apply performs a control, as culturesim serve's /api/control does.
func (l *Local) Apply(c Control) error { return l.s.apply(c) }

// SeriesCSV is the session's series (as /api/series.csv).
func (l *Local) SeriesCSV() []byte {
	l.s.mu.Lock()
	recs, names := l.s.series()
	l.s.mu.Unlock()
	return seriesTable(recs, names)
}

// StaticFiles are the page's files (index.html, app.js, style.css), for
// the static site.
func StaticFiles() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded directory exists: a programmer error
	}
	return sub
}
