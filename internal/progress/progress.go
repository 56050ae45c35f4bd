// Package progress reports how far a long job is: a bar redrawn in place
// on a terminal, plain periodic lines otherwise (logs, Slurm), one JSON
// object per line for programs (wrappers, notebooks), nothing when quiet.
package progress

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// Reporter prints progress of a job of a known number of units.
type Reporter struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	label    string
	start    time.Time
	base     int // units done before this session (not counted in the rate)
	last     time.Time
	interval time.Duration
	now      func() time.Time
	drawn    bool
	json     bool
	// For JSON lines and plain lines, a ticker repeats the last state
	// every interval while nothing finishes (a long run), so that a
	// wrapper sees the clock move; Finish stops it.
	lastDone, lastTotal int
	stopTick            chan struct{}
}

// Mode is how progress is shown.
type Mode string

// Modes, as --progress spells them.
const (
	Auto Mode = "auto" // a bar on a terminal, a line every 10 s otherwise
	JSON Mode = "json" // one JSON object per line, every second
	None Mode = "none" // nothing
)

// Modes lists the modes, for messages.
var Modes = []Mode{Auto, JSON, None}

// ParseMode reads a mode name.
func ParseMode(s string) (Mode, bool) {
	for _, m := range Modes {
		if string(m) == s {
			return m, true
		}
	}
	return "", false
}

// NewMode returns a reporter of the given mode writing to w (nil, which
// reports nothing, for None).
func NewMode(w io.Writer, label string, m Mode) *Reporter {
	switch m {
	case None:
		return nil
	case JSON:
		return &Reporter{w: w, label: label, interval: time.Second, now: time.Now, json: true}
	}
	return New(w, label)
}

// Line is one JSON progress line: the job, runs done of total (done
// includes earlier sessions), the rate of this session in runs per
// second, and the estimated seconds left (null until there is a rate).
type Line struct {
	Label          string   `json:"label"`
	Done           int      `json:"done"`
	Total          int      `json:"total"`
	Rate           float64  `json:"rate"`
	ETASeconds     *float64 `json:"eta_seconds"`
	ElapsedSeconds float64  `json:"elapsed_seconds"`
}

// New returns a reporter writing to w; a terminal gets a bar redrawn at
// most 10 times a second, anything else a line every 10 seconds. A nil
// writer reports nothing.
func New(w io.Writer, label string) *Reporter {
	r := &Reporter{w: w, label: label, interval: 10 * time.Second, now: time.Now}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		r.tty, r.interval = true, 100*time.Millisecond
	}
	return r
}

// Update reports done of total units; the first call starts the clock.
func (r *Reporter) Update(done, total int) {
	if r == nil || r.w == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	r.lastDone, r.lastTotal = done, total
	if r.start.IsZero() && !r.tty && r.stopTick == nil {
		r.stopTick = make(chan struct{})
		go r.repeat(r.interval, r.stopTick)
	}
	if r.start.IsZero() {
		r.start, r.base = now, done
	}
	if done < total && now.Sub(r.last) < r.interval && r.drawn {
		return
	}
	r.last, r.drawn = now, true
	if r.json {
		b, _ := json.Marshal(r.snapshot(done, total, now)) // plain numbers and a string: cannot fail
		fmt.Fprintf(r.w, "%s\n", b)
		return
	}
	line := r.line(done, total, now)
	if r.tty {
		fmt.Fprintf(r.w, "\r%s\x1b[K", line)
		if done >= total {
			fmt.Fprintln(r.w)
		}
		return
	}
	fmt.Fprintln(r.w, line)
}

// snapshot is the state both renderings show: this session's rate and
// the time left at that rate.
func (r *Reporter) snapshot(done, total int, now time.Time) Line {
	el := now.Sub(r.start).Seconds()
	l := Line{Label: r.label, Done: done, Total: total, ElapsedSeconds: el}
	if el > 0 {
		l.Rate = float64(done-r.base) / el
	}
	if done >= total {
		zero := 0.0
		l.ETASeconds = &zero
	} else if l.Rate > 0 {
		eta := float64(total-done) / l.Rate
		l.ETASeconds = &eta
	}
	return l
}

func (r *Reporter) line(done, total int, now time.Time) string {
	l := r.snapshot(done, total, now)
	eta := "–"
	if l.ETASeconds != nil && done < total {
		eta = time.Duration(*l.ETASeconds * float64(time.Second)).Round(time.Second).String()
	}
	pct := 100.0
	if total > 0 {
		pct = 100 * float64(done) / float64(total)
	}
	s := fmt.Sprintf("%s %d/%d runs (%.1f%%), %.1f runs/s, ETA %s", r.label, done, total, pct, l.Rate, eta)
	if r.tty {
		const width = 30
		n := int(float64(width) * pct / 100)
		s = "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "] " + s
	}
	return s
}

// repeat re-reports the last state when an interval passed without an
// update.
func (r *Reporter) repeat(every time.Duration, stop chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			r.mu.Lock()
			done, total := r.lastDone, r.lastTotal
			stale := r.now().Sub(r.last) >= r.interval && done < total
			r.mu.Unlock()
			if stale {
				r.Update(done, total)
			}
		}
	}
}

// Finish ends a terminal bar's line if it was left unfinished, and stops
// the repeating of lines.
func (r *Reporter) Finish() {
	if r == nil || r.w == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopTick != nil {
		close(r.stopTick)
		r.stopTick = nil
	}
	if r.tty && r.drawn {
		fmt.Fprintln(r.w)
		r.drawn = false
	}
}
