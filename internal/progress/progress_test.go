package progress

import (
	"bytes"
	"strings"
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
