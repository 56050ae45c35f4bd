package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/culturesim/culturesim/sim"
)

const good = `# a comment
seed = 7
generations = 100
replicates = 3

[model]
b = 1.3
c = 0.02
v = 1
alpha = 0.5
ta = 0.4
tb = 0.435

[population]
kind = "wellmixed"
size = 1000
`

func TestParseGoodAndDefaults(t *testing.T) {
	sc, err := Parse("good.toml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "good" || sc.Seed != 7 || sc.Replicates != 3 || sc.Run.Generations != 100 {
		t.Errorf("%+v", sc)
	}
	p := sc.Point(0).Platforms
	if sc.RecordEvery != DefaultRecordEvery || sc.RecordEverySet || p[0].InitialA != DefaultInitialA || sc.Run.Stop != sim.StopFixation {
		t.Errorf("defaults: %+v", sc)
	}
	// A single population is a world of one platform, "population".
	if !sc.Single() || len(p) != 1 || p[0].Name != SinglePlatform || p[0].Kind != sim.KindWellMixed || p[0].Agents != 1000 || p[0].Model.TB != 0.435 {
		t.Errorf("world %+v", p)
	}
	if sc.Source != good {
		t.Error("source text not kept")
	}
}

// errorsOf parses src and returns its errors by key.
func errorsOf(t *testing.T, src string) map[string]*Error {
	t.Helper()
	_, err := Parse("s.toml", []byte(src))
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("want scenario errors, got %v", err)
	}
	out := map[string]*Error{}
	for _, e := range es {
		out[e.Key] = e
	}
	return out
}

func TestParseReportsEveryErrorWithLine(t *testing.T) {
	src := strings.Join([]string{
		`seed = -1`,              // 1
		`generations = 0`,        // 2
		`replicats = 4`,          // 3
		``,                       // 4
		`[model]`,                // 5
		`b = 0.5`,                // 6
		`c = 0.9`,                // 7
		`v = 1`,                  // 8
		`alpha = 2`,              // 9
		`ta = 0.4`,               // 10
		`[population]`,           // 11
		`kind = "wellmixed"`,     // 12
		`size = 1`,               // 13
		`initial_a = 1.5`,        // 14
		`radius = 2   # lattice`, // 15
	}, "\n")
	errs := errorsOf(t, src)
	want := map[string]struct {
		line int
		frag string
	}{
		"seed":                 {1, "-1 is outside"},
		"generations":          {2, "0 is outside its allowed range [1,"},
		"replicats":            {3, "did you mean replicates?"},
		"model.b":              {6, "0.5 is outside its allowed range c < b ≤ 10⁶"},
		"model.alpha":          {9, "2 is outside its allowed range [0, 1]"},
		"model.tb":             {5, "missing"},
		"population.size":      {13, "1 is outside its allowed range [2,"},
		"population.initial_a": {14, "1.5 is outside"},
		"population.radius":    {15, "lattices and networks only"},
	}
	for key, w := range want {
		e, ok := errs[key]
		if !ok {
			t.Errorf("no error for %s; got %v", key, errs)
			continue
		}
		if e.Line != w.line || !strings.Contains(e.Msg, w.frag) {
			t.Errorf("%s: line %d %q, want line %d and %q", key, e.Line, e.Msg, w.line, w.frag)
		}
		if !strings.HasPrefix(e.Error(), "s.toml:") {
			t.Errorf("%s: message %q does not start with the file", key, e.Error())
		}
	}
}

func TestParseLatticeChecks(t *testing.T) {
	lattice := `
[model]
b = 1.3
c = 0.02
alpha = 0.3
ta = 0.4
tb = 0.4
[population]
kind = "lattice"
size = 4
radius = 2
boundary = "torus"
selection = "nearby"
initiation = 0
rounds = 0
`
	errs := errorsOf(t, lattice)
	for key, frag := range map[string]string{
		"population.radius":     "torus",
		"population.selection":  `"nearby" is not one of "global" or "local"`,
		"population.initiation": "(0, 1]",
		"population.rounds":     "≥ 1",
	} {
		if e := errs[key]; e == nil || !strings.Contains(e.Msg, frag) {
			t.Errorf("%s: %v, want %q", key, e, frag)
		}
	}
	// A valid lattice: α is ignored with a warning, v defaults to 1.
	ok := strings.NewReplacer("size = 4\nradius = 2\nboundary = \"torus\"\nselection = \"nearby\"\ninitiation = 0\nrounds = 0\n", "size = 30\n").Replace(lattice)
	sc, err := Parse("l.toml", []byte(ok))
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Warnings) != 1 || !strings.Contains(sc.Warnings[0], "alpha") || !strings.Contains(sc.Warnings[0], "l.toml:5") {
		t.Errorf("warnings %v", sc.Warnings)
	}
	if m := sc.Point(0).Platforms[0].Model; m.V != 1 || m.Alpha != 1.0/8 {
		t.Errorf("model %+v", m)
	}
}

func TestParseSyntaxAndTypeErrors(t *testing.T) {
	for _, tc := range []struct {
		src, key, frag string
		line           int
	}{
		{"seed = 1\ngenerations = = 3\n", "", "", 2},
		{"[model]\nb = \"high\"\n", "model.b", `"high" is a string; a number is needed`, 2},
		{"[population]\nkind = \"lattice\"\nsize = 1.5\n", "population.size", "not a whole number", 3},
		{"[population]\nkind = 3\n", "population.kind", `3 is a number; one of "wellmixed", "lattice" or "network" is needed`, 2},
		{"model = 3\n", "model", "must be a table", 1},
	} {
		_, err := Parse("x.toml", []byte(tc.src))
		var es Errors
		if !errors.As(err, &es) {
			t.Fatalf("%q: %v", tc.src, err)
		}
		found := false
		for _, e := range es {
			if e.Line == tc.line && (tc.key == "" || e.Key == tc.key) && strings.Contains(e.Msg, tc.frag) {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: %v, want %s at line %d saying %q", tc.src, err, tc.key, tc.line, tc.frag)
		}
	}
}

// A file with a type error and three range errors reports all four, with
// their lines; a type error hides nothing.
func TestTypeErrorAndRangeErrorsReportedTogether(t *testing.T) {
	src := strings.Join([]string{
		`replicates = "ten"`, // 1: a type error
		`[model]`,            // 2
		`b = 1.3`,            // 3
		`c = 1.2`,            // 4: range
		`v = 1.5`,            // 5: range
		`alpha = 0.5`,        // 6
		`ta = 0.4`,           // 7
		`tb = -0.1`,          // 8: range
		`[population]`,       // 9
		`kind = "wellmixed"`, // 10
		`size = 100`,         // 11
	}, "\n")
	errs := errorsOf(t, src)
	for key, line := range map[string]int{"replicates": 1, "model.c": 4, "model.v": 5, "model.tb": 8} {
		if e := errs[key]; e == nil || e.Line != line {
			t.Errorf("%s: %v, want an error at line %d; got %v", key, e, line, errs)
		}
	}
	if len(errs) != 4 {
		t.Errorf("%d errors, want 4: %v", len(errs), errs)
	}
}

// A swept key satisfies "required": the placeholder in [model] may go.
func TestSweptKeyIsNotMissing(t *testing.T) {
	src := strings.Replace(good, "alpha = 0.5\n", "", 1) + "[sweep]\nalpha = [0.1, 0.9]\n"
	sc, err := Parse("s.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if a := sc.Point(1).Platforms[0].Model.Alpha; a != 0.9 {
		t.Errorf("point 1: α = %v", a)
	}
}

func TestBuiltinScenariosParse(t *testing.T) {
	names := BuiltinNames()
	if len(names) == 0 {
		t.Fatal("no built-in scenarios")
	}
	for _, n := range names {
		sc, err := Builtin(n)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if sc.Name != n {
			t.Errorf("%s: name %q differs from the file name", n, sc.Name)
		}
		if sc.Description == "" {
			t.Errorf("%s: no description", n)
		}
	}
	if _, err := Builtin("nope"); err == nil || !strings.Contains(err.Error(), "fig4c") {
		t.Errorf("unknown built-in: %v", err)
	}
}

func TestScanKeys(t *testing.T) {
	src := `a = 1
[t]
b = "x # not a comment"   # comment
c = [
  1, 2,
]
d = {from = 0, to = 1}
[[arr]]
e = 1
[[arr]]
e = 2
[arr.sub]
f = 3
"quoted key" = 4
`
	k := scanKeys(src)
	for key, line := range map[string]int{"a": 1, "t": 2, "t.b": 3, "t.c": 4, "t.d": 7, "t.d.from": 7, "t.d.to": 7,
		"arr.0.e": 9, "arr.1.e": 11, "arr.1.sub": 12, "arr.1.sub.f": 13, "arr.1.sub.quoted key": 14} {
		if got := k.line(key); got != line {
			t.Errorf("%s: line %d, want %d", key, got, line)
		}
	}
}

// FuzzParse: no input makes the decoder panic or dawdle, and what it
// accepts the engine can run (points × replicates within MaxRuns, every
// point valid). The corpus is in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	for _, n := range BuiltinNames() {
		b, _ := builtin.ReadFile(n + ".toml")
		f.Add(b)
	}
	f.Add([]byte("[[a]]\n[a.b]\nc = {d = [1, {e = 2}]}\n"))
	f.Add([]byte(sweepBase + "t = {from = 0, to = 0.5, step = 0.1}\nbias = [0.1]\nselection = [\"local\"]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		sc, err := Parse("fuzz.toml", src)
		if d := time.Since(start); d > 20*time.Second { // a grid of MaxPoints takes ~5 s
			t.Fatalf("parsing %d bytes took %v", len(src), d)
		}
		switch {
		case err != nil && err.Error() == "":
			t.Fatal("an error without a message")
		case err != nil:
			return
		case sc == nil:
			t.Fatal("nil scenario without error")
		}
		if n := sc.NumRuns(); n < 1 || n > MaxRuns {
			t.Fatalf("accepted %d runs", n)
		}
		for i := range min(sc.NumPoints(), 64) {
			if err := sc.Point(i).Validate(); err != nil {
				t.Fatalf("accepted point %d, which the engine refuses: %v", i, err)
			}
		}
	})
}

// A name that would put outputs elsewhere, or garble them, is refused.
func TestUnusableNames(t *testing.T) {
	for _, name := range []string{"..", ".", ".hidden", "a/b", `a\b`, "two\nlines", "nul\x00", ""} {
		src := fmt.Sprintf("name = %q\n[model]\nb = 1.3\nc = 0.1\nv = 1\nalpha = 0.2\nta = 0.3\ntb = 0.3\n[population]\nkind = \"wellmixed\"\nsize = 10\n", name)
		if e := errorsOf(t, src)["name"]; e == nil || !strings.Contains(e.Msg, "not a usable name") {
			t.Errorf("name %q: %v", name, e)
		}
	}
	if _, err := Parse("s.toml", []byte("name = \"tiktok_ban-2025.v2 (test)\"\n[model]\nb = 1.3\nc = 0.1\nv = 1\nalpha = 0.2\nta = 0.3\ntb = 0.3\n[population]\nkind = \"wellmixed\"\nsize = 10\n")); err != nil {
		t.Errorf("a usable name refused: %v", err)
	}
}

// Devices, pipes, directories and huge files are refused before they
// are read (reading /dev/zero or a FIFO never ends).
func TestLoadRefusesWhatIsNotAScenarioFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.toml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.toml")
	if err := os.WriteFile(huge, make([]byte, MaxFileBytes+1), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/dev/zero": "is a device", fifo: "is a named pipe", dir: "is a directory", huge: "a scenario file has at most"} {
		done := make(chan error, 1)
		go func() { _, err := Load(path); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want %q", path, err, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: Load hangs", path)
		}
	}
}
