package progress

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPlainLinesAreThrottled(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, "sweep")
	clock := time.Unix(0, 0)
	r.now = func() time.Time { return clock }
	r.Update(0, 100)
	for i := 1; i <= 50; i++ {
		clock = clock.Add(time.Second)
		r.Update(i, 100)
	}
	r.Update(100, 100) // the end is always reported
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 7 { // start, every 10 s over 50 s, end
		t.Fatalf("%d lines:\n%s", len(lines), buf.String())
	}
	if !strings.Contains(lines[1], "10/100 runs (10.0%), 1.0 runs/s, ETA 1m30s") {
		t.Errorf("line %q", lines[1])
	}
	if strings.Contains(buf.String(), "\r") {
		t.Error("a non-terminal got carriage returns")
	}
	var nilR *Reporter
	nilR.Update(1, 2) // quiet: no panic
	New(nil, "x").Update(1, 2)
}

// JSON lines: one a second (and the first and last), each a Line.
func TestJSONLines(t *testing.T) {
	var buf bytes.Buffer
	r := NewMode(&buf, "sweep", JSON)
	clock := time.Unix(0, 0)
	r.now = func() time.Time { return clock }
	r.Update(20, 100) // 20 from an earlier session
	for i := 1; i <= 40; i++ {
		clock = clock.Add(250 * time.Millisecond)
		r.Update(20+2*i, 100)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 11 { // start, every second over 10 s (the last is the end)
		t.Fatalf("%d lines:\n%s", len(lines), buf.String())
	}
	var first, mid, last Line
	for _, c := range []struct {
		s string
		l *Line
	}{{lines[0], &first}, {lines[5], &mid}, {lines[10], &last}} {
		if err := json.Unmarshal([]byte(c.s), c.l); err != nil {
			t.Fatalf("%q: %v", c.s, err)
		}
	}
	if first.Done != 20 || first.Total != 100 || first.ETASeconds != nil || first.Label != "sweep" {
		t.Errorf("first line %+v", first)
	}
	// 5 s in: 40 runs done this session, 8 runs/s, 40 left: 5 s.
	if mid.Done != 60 || mid.Rate != 8 || mid.ETASeconds == nil || *mid.ETASeconds != 5 || mid.ElapsedSeconds != 5 {
		t.Errorf("line 5: %s", lines[5])
	}
	if last.Done != 100 || last.ETASeconds == nil || *last.ETASeconds != 0 {
		t.Errorf("last line %s", lines[10])
	}
	if NewMode(&buf, "x", None) != nil {
		t.Error("mode none reports")
	}
	if m, ok := ParseMode("json"); !ok || m != JSON {
		t.Error("ParseMode(json)")
	}
	if _, ok := ParseMode("bar"); ok {
		t.Error("ParseMode(bar)")
	}
}

// JSON lines keep coming while a long run computes (nothing finishes),
// and stop at Finish.
func TestJSONLinesWhileNothingFinishes(t *testing.T) {
	var mu sync.Mutex
	var buf bytes.Buffer
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return buf.Write(p) })
	r := NewMode(w, "long", JSON)
	r.interval = 20 * time.Millisecond
	r.Update(0, 4)
	lines := func() int { mu.Lock(); defer mu.Unlock(); return strings.Count(buf.String(), "\n") }
	for deadline := time.Now().Add(5 * time.Second); lines() < 4; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d lines in 5 s of a run that does not finish", lines())
		}
	}
	r.Finish()
	n := lines()
	time.Sleep(100 * time.Millisecond)
	if lines() != n {
		t.Error("lines after Finish")
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
