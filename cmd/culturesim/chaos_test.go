package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"github.com/culturesim/culturesim/internal/testgate"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The chaos suite: the faults of a shared machine, inflicted on the real
// binary. It needs root (a tmpfs for disk full) and minutes, so it runs
// when CULTURESIM_CHAOS=1 (.ci/run sets it); every figure it measures is
// logged (go test -v) for the closing notes. Each case asserts that no
// finished run is lost, or that its loss is reported, and that the final
// tables equal an uninterrupted sweep's byte for byte.

// chaosScenario's runs take real time (a 55×55 lattice: about 0.2 s of
// sweep on this machine), so that a kill lands among runs and --resume
// makes progress. A single well-mixed population would not do: it is
// packed, and its sweep is start-up and final writes, which every
// attempt repeats, so that random kills could stall it.
const chaosScenario = `name = "chaos"
seed = 4
generations = 400
replicates = 6
record_every = 5
[model]
b = 1.3
c = 0.1
v = 0.9
ta = 0.3
tb = 0.3
[population]
kind = "lattice"
size = 55
stop = "generations"
[sweep]
c = [0.02, 0.05, 0.1, 0.15]
`

func chaos(t *testing.T) (scenario string, want map[string][]byte) {
	t.Helper()
	testgate.Require(t, testgate.Chaos)
	dir := t.TempDir()
	scenario = writeFile(t, dir, "chaos.toml", chaosScenario)
	ref := filepath.Join(dir, "ref")
	if out, err := culturesimProcess("sweep", scenario, "--out", ref, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("reference sweep: %v %s", err, out)
	}
	return scenario, readTables(t, ref)
}

func readTables(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, f := range []string{"runs.csv", "summary.csv", "series.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		out[f] = b
	}
	return out
}

func sameAs(t *testing.T, label, dir string, want map[string][]byte) {
	t.Helper()
	got := readTables(t, dir)
	for f, w := range want {
		if !bytes.Equal(got[f], w) {
			t.Errorf("%s: %s differs from an uninterrupted sweep's", label, f)
		}
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// kill -9 at random instants, from the first milliseconds to the final
// writes, then --resume until done: the tables are an uninterrupted
// sweep's.
func TestChaosKills(t *testing.T) {
	scenario, want := chaos(t)
	start := time.Now()
	probe := filepath.Join(t.TempDir(), "probe")
	if err := culturesimProcess("sweep", scenario, "--out", probe, "--quiet").Run(); err != nil {
		t.Fatal(err)
	}
	full := time.Since(start)
	r := rand.New(rand.NewPCG(1, 2))
	kills, sweeps := 0, 0
	for s := range 10 {
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("s%d", s))
		for attempt := 0; ; attempt++ {
			if attempt > 60 {
				t.Fatalf("sweep %d not done after 60 attempts", s)
			}
			cmd := culturesimProcess("sweep", scenario, "--out", dir, "--resume", "--quiet")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Half the kills in the first 50 ms (creation, the first
			// runs), the rest anywhere up to the end (the final writes).
			delay := time.Duration(r.Float64() * float64(50*time.Millisecond))
			if attempt%2 == 1 {
				delay = time.Duration(r.Float64() * float64(full*11/10))
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("sweep %d attempt %d: %v", s, attempt, err)
				}
				sweeps++
			case <-time.After(delay):
				cmd.Process.Signal(syscall.SIGKILL)
				<-done
				kills++
				continue
			}
			break
		}
		sameAs(t, fmt.Sprintf("sweep %d", s), dir, want)
	}
	t.Logf("chaos: %d kill -9 survived over %d sweeps (a full sweep takes %v); every table byte-identical", kills, sweeps, full.Round(time.Millisecond))
}

// Two writers started together on one directory, many times: one runs,
// the other exits 75 naming it; the tables are whole.
func TestChaosConcurrentWriters(t *testing.T) {
	scenario, want := chaos(t)
	refused := 0
	for i := range 10 {
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("c%d", i))
		var wg sync.WaitGroup
		codes := make([]int, 2)
		outs := make([][]byte, 2)
		for k := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if k == 1 {
					time.Sleep(time.Duration(i*15) * time.Millisecond)
				}
				var buf bytes.Buffer
				cmd := culturesimProcess("sweep", scenario, "--out", dir, "--resume", "--quiet")
				cmd.Stderr = &buf
				codes[k] = exitCode(cmd.Run())
				outs[k] = buf.Bytes()
			}()
		}
		wg.Wait()
		for k := range 2 {
			switch codes[k] {
			case exitOK:
			case exitBusy:
				refused++
				if !bytes.Contains(outs[k], []byte("in use by another culturesim")) {
					t.Errorf("attempt %d: exit 75 without naming the holder: %s", i, outs[k])
				}
			default:
				t.Errorf("attempt %d writer %d: exit %d: %s", i, k, codes[k], outs[k])
			}
		}
		if codes[0] == exitBusy && codes[1] == exitBusy {
			t.Errorf("attempt %d: both writers refused", i)
		}
		// A writer that exited 0 finished the sweep: the tables must be
		// whole already, before anything repairs them.
		if codes[0] == exitOK || codes[1] == exitOK {
			sameAs(t, fmt.Sprintf("attempt %d, as the writers left it", i), dir, want)
		}
		// The refused one ran nothing; finish (a no-op) and compare.
		if err := culturesimProcess("sweep", scenario, "--out", dir, "--resume", "--quiet").Run(); err != nil {
			t.Fatal(err)
		}
		sameAs(t, fmt.Sprintf("attempt %d", i), dir, want)
	}
	t.Logf("chaos: %d of 20 concurrent writers refused (exit 75), the others ran; tables byte-identical", refused)
}

// A disk that fills while a sweep runs (another process takes the last
// byte) stops it at once with the error; freed, --resume finishes it.
func TestChaosDiskFull(t *testing.T) {
	scenario, want := chaos(t)
	if os.Geteuid() != 0 {
		t.Fatal("the disk-full case needs root (a tmpfs); run the chaos suite as root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs: %v %s", err, out)
	}
	defer exec.Command("umount", mnt).Run()
	dir := filepath.Join(mnt, "s")
	var stderr bytes.Buffer
	cmd := culturesimProcess("sweep", scenario, "--out", dir, "--quiet")
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(80 * time.Millisecond)
	// Fill the disk to its last byte.
	filler, err := os.Create(filepath.Join(mnt, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := filler.Write(chunk); err != nil {
			break
		}
	}
	for small := chunk[:512]; ; {
		if _, err := filler.Write(small); err != nil {
			break
		}
	}
	filler.Close()
	full := time.Now()
	var werr error
	select {
	case werr = <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the sweep did not stop within 30 s of a full disk")
	}
	stop := time.Since(full)
	switch code := exitCode(werr); {
	case code == exitOK:
		t.Skip("the sweep finished before the disk filled (a faster machine): nothing to test")
	case code != exitFailure || !strings.Contains(stderr.String(), "no space left on device"):
		t.Fatalf("disk full: exit %d: %s", code, stderr.String())
	}
	if stop > 2*time.Second {
		t.Errorf("the sweep took %v to stop after the disk filled", stop)
	}
	os.Remove(filepath.Join(mnt, "filler"))
	if out, err := culturesimProcess("sweep", scenario, "--out", dir, "--resume", "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("resume after the disk was freed: %v %s", err, out)
	}
	sameAs(t, "disk full, then resumed", dir, want)
	t.Logf("chaos: full disk → exit 1 %v after it filled; resumed to byte-identical tables", stop.Round(time.Millisecond))
}

// Journal bytes flipped, the journal truncated and appended to: each
// --resume keeps every intact run, reports the damage and ends with an
// uninterrupted sweep's tables.
func TestChaosJournalDamage(t *testing.T) {
	scenario, want := chaos(t)
	base := filepath.Join(t.TempDir(), "base")
	if err := culturesimProcess("sweep", scenario, "--out", base, "--quiet").Run(); err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(filepath.Join(base, "journal.bin"))
	if err != nil {
		t.Fatal(err)
	}
	total := 24
	resumed := regexp.MustCompile(`\((\d+) from earlier sessions\)`)
	r := rand.New(rand.NewPCG(3, 4))
	worst, flips := 0, 0
	damage := func(label string, b []byte, wantWarning bool) {
		dir := filepath.Join(t.TempDir(), "d")
		if err := os.CopyFS(dir, os.DirFS(base)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "journal.bin"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := culturesimProcess("sweep", scenario, "--out", dir, "--resume", "--progress", "none").CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v %s", label, err, out)
		}
		m := resumed.FindSubmatch(out)
		if m == nil {
			t.Fatalf("%s: %s", label, out)
		}
		kept, _ := strconv.Atoi(string(m[1]))
		if lost := total - kept; lost > 0 {
			worst = max(worst, lost)
			if wantWarning && !bytes.Contains(out, []byte("damaged region")) {
				t.Errorf("%s: %d runs lost without a warning: %s", label, lost, out)
			}
		}
		sameAs(t, label, dir, want)
	}
	header := bytes.IndexByte(orig[21:], '\n') + 22
	for range 25 {
		b := append([]byte(nil), orig...)
		pos := header + r.IntN(len(b)-header)
		b[pos] ^= byte(1 + r.IntN(255))
		damage(fmt.Sprintf("byte %d flipped", pos), b, pos < len(b)-2000)
		flips++
	}
	perFlip := worst
	for range 5 {
		cut := header + r.IntN(len(orig)-header)
		damage(fmt.Sprintf("truncated at %d", cut), orig[:cut], false)
	}
	damage("garbage appended", append(append([]byte(nil), orig...), "not an entry"...), false)
	t.Logf("chaos: %d single-byte flips, at most %d run(s) lost per flip and recomputed; 5 truncations and an append tolerated; tables byte-identical", flips, perFlip)
}

// merge refuses shards of two releases and an --out that is one of its
// inputs, losing nothing.
func TestChaosMerges(t *testing.T) {
	scenario, _ := chaos(t)
	base := t.TempDir()
	var shards []string
	for i := range 2 {
		d := filepath.Join(base, fmt.Sprintf("shard%d", i))
		if out, err := culturesimProcess("sweep", scenario, "--out", d, "--shard", fmt.Sprintf("%d/2", i), "--quiet").CombinedOutput(); err != nil {
			t.Fatalf("%v %s", err, out)
		}
		shards = append(shards, d)
	}
	before, _ := os.ReadFile(filepath.Join(shards[0], "journal.bin"))
	out, err := culturesimProcess("merge", shards[0], shards[1], "--out", shards[0], "--force").CombinedOutput()
	if code := exitCode(err); code != exitUsage || !bytes.Contains(out, []byte("is one of the directories to merge")) {
		t.Errorf("merge into its own input: exit %d %s", code, out)
	}
	if after, _ := os.ReadFile(filepath.Join(shards[0], "journal.bin")); !bytes.Equal(before, after) {
		t.Error("merge into its own input changed it")
	}
	jp := filepath.Join(shards[1], "journal.bin")
	b, _ := os.ReadFile(jp)
	os.WriteFile(jp, bytes.Replace(b, []byte(`"release":"0.3.0"`), []byte(`"release":"0.2.9"`), 1), 0o644)
	out, err = culturesimProcess("merge", shards[0], shards[1], "--out", filepath.Join(base, "m")).CombinedOutput()
	if code := exitCode(err); code != exitUsage || !bytes.Contains(out, []byte("release 0.2.9")) || !bytes.Contains(out, []byte("release 0.3.0")) {
		t.Errorf("merge of two releases: exit %d %s", code, out)
	}
}

// rss is a process's resident set (VmRSS) and its peak (VmHWM), in MB.
func rss(t *testing.T, pid int) (now, peak float64) {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) >= 2 && (fields[0] == "VmRSS:" || fields[0] == "VmHWM:") {
			kb, _ := strconv.ParseFloat(fields[1], 64)
			if fields[0] == "VmRSS:" {
				now = kb / 1024
			} else {
				peak = kb / 1024
			}
		}
	}
	return now, peak
}

// The teaching server under 1,000 hostile requests from loopback, 50 at a
// time (streams beyond the cap, cross-site API calls, malformed and huge
// controls): its peak RSS stays under that of 64 legitimate tabs plus
// 100 MB, and it returns to it.
func TestChaosServer(t *testing.T) {
	testgate.Require(t, testgate.Chaos)
	cmd := culturesimProcess("serve", "--addr", "127.0.0.1:0")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	addr := regexp.MustCompile(`http://([0-9.:]+)/`).FindStringSubmatch(line)
	if addr == nil {
		t.Fatalf("serve printed %q", line)
	}
	base := "http://" + addr[1]
	time.Sleep(500 * time.Millisecond)
	idle, _ := rss(t, cmd.Process.Pid)
	// 64 legitimate tabs, 16 from each of four loopback addresses (the
	// server allows 16 a client).
	from := func(ip string) *http.Client {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
		return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	}
	var tabs []io.Closer
	for k := range 4 {
		c := from(fmt.Sprintf("127.0.0.%d", k+1))
		for range 16 {
			resp, err := c.Get(base + "/api/stream")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("tab: %v %v", err, resp)
			}
			tabs = append(tabs, resp.Body)
		}
	}
	client := &http.Client{Timeout: 10 * time.Second}
	time.Sleep(time.Second)
	legit, _ := rss(t, cmd.Process.Pid)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 50)
	codes := map[int]int{}
	var mu sync.Mutex
	hostile := []func() (*http.Response, error){
		func() (*http.Response, error) { return client.Get(base + "/api/stream") }, // beyond the cap
		func() (*http.Response, error) {
			req, _ := http.NewRequest("POST", base+"/api/control?session=x", strings.NewReader(`{"action":"play"}`))
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			return client.Do(req)
		},
		func() (*http.Response, error) {
			return client.Post(base+"/api/control?session=x", "application/json", strings.NewReader(strings.Repeat("[", 1<<20)))
		},
		func() (*http.Response, error) {
			req, _ := http.NewRequest("GET", base+"/", nil)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			req.Header.Set("Sec-Fetch-Mode", "no-cors")
			return client.Do(req)
		},
	}
	for i := range 1000 {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			resp, err := hostile[i%len(hostile)]()
			code := -1
			if err == nil {
				code = resp.StatusCode
				io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
				resp.Body.Close()
			}
			mu.Lock()
			codes[code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	_, peak := rss(t, cmd.Process.Pid)
	if codes[200] > 0 || codes[-1] > 0 {
		t.Errorf("hostile requests answered: %v", codes)
	}
	for _, c := range tabs {
		c.Close()
	}
	var after float64
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if after, _ = rss(t, cmd.Process.Pid); after <= legit {
			break
		}
	}
	if peak > legit+100 || after > legit+5 {
		t.Errorf("RSS: %.0f MB idle, %.0f MB with 64 tabs, peak %.0f MB under 1,000 hostile requests (limit %.0f), %.0f MB after", idle, legit, peak, legit+100, after)
	}
	t.Logf("chaos: server RSS %.0f MB idle, %.0f MB with 64 tabs, peak %.0f MB under 1,000 hostile requests (%v), %.0f MB after the tabs closed", idle, legit, peak, codes, after)
}
