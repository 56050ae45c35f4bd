package scenarios

import (
	"strings"
	"testing"

	"github.com/culturesim/culturesim/model"
)

const twoPlatforms = `generations = 50
[model]
b = 1.3
c = 0.1
v = 0.9
ta = 0.3
tb = 0.3
[population]
stop = "generations"
[[platform]]
name = "tiktok"
[platform.population]
kind = "wellmixed"
size = 1000
[platform.model]
alpha = 0.05
[[platform]]
name = "rednote"
[platform.population]
kind = "lattice"
size = 20
agents = 300
`

func TestParsePlatforms(t *testing.T) {
	src := twoPlatforms + `
[[migration]]
from = "tiktok"
to = "rednote"
rate = 0.01
start = 5
end = 20
[[event]]
generation = 10
from = "tiktok"
to = "rednote"
fraction = 0.4
phenotype = "B"
[[cross_exposure]]
learners = "rednote"
donors = "tiktok"
probability = 0.1
`
	sc, err := Parse("p.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	st := sc.Point(0)
	if sc.Single() || len(st.Platforms) != 2 || st.Platforms[0].StartAgents()+st.Platforms[1].StartAgents() != 1300 {
		t.Fatalf("%d platforms: %+v", len(st.Platforms), st.Platforms)
	}
	if m := st.Platforms[0].Model; m.Alpha != 0.05 || m.C != 0.1 || m.V != 0.9 {
		t.Errorf("tiktok's model %+v", m)
	}
	if m := st.Platforms[1].Model; m.Alpha != 0.125 || m.V != 0.9 {
		t.Errorf("rednote's model %+v: want α = 1/8 from the Moore neighbourhood", m)
	}
	wantMig := model.Migration{
		Routes:    []model.Route{{From: 0, To: 1, Rate: 0.01, Start: 5, End: 20}},
		Events:    []model.Event{{Generation: 10, From: 0, To: 1, Fraction: 0.4, Phenotype: model.OnlyB}},
		Exposures: []model.Exposure{{Learners: 1, Donors: 0, Prob: 0.1}},
	}
	if got := st.Migration; got.Routes[0] != wantMig.Routes[0] || got.Events[0] != wantMig.Events[0] || got.Exposures[0] != wantMig.Exposures[0] {
		t.Errorf("migration %+v, want %+v", got, wantMig)
	}
	if err := st.Validate(); err != nil {
		t.Errorf("the engine rejects a parsed world: %v", err)
	}
	if _, err := sc.DetPlatforms(0); err == nil || !strings.Contains(err.Error(), "rednote") {
		t.Errorf("a lattice platform should have no deterministic counterpart: %v", err)
	}
}

func TestParsePlatformErrors(t *testing.T) {
	src := twoPlatforms + strings.Join([]string{
		`[[migration]]`,         // +1
		`from = "tiktok"`,       // +2
		`to = "redn0te"`,        // +3
		`rate = 0.5`,            // +4
		`[[migration]]`,         // +5
		`from = "tiktok"`,       // +6
		`to = "rednote"`,        // +7
		`rate = 0.7`,            // +8
		`[[migration]]`,         // +9
		`from = "rednote"`,      // +10
		`to = "tiktok"`,         // +11
		`rate = 1.5`,            // +12
		`[[event]]`,             // +13
		`generation = 50`,       // +14
		`from = "tiktok"`,       // +15
		`to = "rednote"`,        // +16
		`fraction = 0.5`,        // +17
		`[[platform]]`,          // +18
		`name = "tiktok"`,       // +19
		`[platform.population]`, // +20
		`kind = "wellmixed"`,    // +21
		`size = 10`,             // +22
		`sise = 3`,              // +23
	}, "\n")
	base := strings.Count(twoPlatforms, "\n")
	errs := errorsOf(t, src)
	want := map[string]struct {
		line int
		frag string
	}{
		"migration.1.to":             {base + 3, `unknown platform "redn0te"; the platforms are "tiktok" and "rednote"`},
		"migration.2.rate":           {base + 8, `the rates of migration from "tiktok" sum to 1.2, above 1`},
		"migration.3.rate":           {base + 12, "1.5 is outside its allowed range [0, 1]"},
		"event.1.generation":         {base + 14, "50 is outside its allowed range [0, 50) (the run has generations 0 to 49)"},
		"platform.3.name":            {base + 19, `"tiktok" is already the name of platform 1`},
		"platform.3.population.sise": {base + 23, "unknown key (did you mean platform.3.population.size?)"},
	}
	for key, w := range want {
		e, ok := errs[key]
		if !ok {
			t.Errorf("no error for %s; got %v", key, keysOf(errs))
			continue
		}
		if e.Line != w.line || !strings.Contains(e.Msg, w.frag) {
			t.Errorf("%s: line %d %q, want line %d and %q", key, e.Line, e.Msg, w.line, w.frag)
		}
	}
}

func keysOf(m map[string]*Error) []string {
	var ks []string
	for k, e := range m {
		ks = append(ks, k+" ("+e.Msg+")")
	}
	return ks
}

func TestParsePlatformMisuse(t *testing.T) {
	single := "[model]\nb = 1.3\nc = 0.1\nv = 1\nalpha = 0.5\nta = 0.3\ntb = 0.3\n[population]\nkind = \"wellmixed\"\nsize = 100\n"
	errs := errorsOf(t, single+"[[event]]\ngeneration = 1\nfrom = \"a\"\nto = \"b\"\nfraction = 0.5\n")
	if e := errs["event"]; e == nil || !strings.Contains(e.Msg, "needs platforms") {
		t.Errorf("an event without platforms: %v", keysOf(errs))
	}
	// v missing for a well-mixed platform (the lattice takes v = 1).
	src := strings.Replace(twoPlatforms, "v = 0.9\n", "", 1)
	errs = errorsOf(t, src)
	if e := errs["model.v"]; e == nil || !strings.Contains(e.Msg, "missing") || !strings.Contains(e.Msg, `of "tiktok"`) {
		t.Errorf("missing v: %v", keysOf(errs))
	}
	// A bad inherited value is reported at [model], naming the platform.
	src = strings.Replace(twoPlatforms, "c = 0.1\n", "c = 2\n", 1)
	errs = errorsOf(t, src)
	if e := errs["model.c"]; e == nil || e.Line != 4 || !strings.Contains(e.Msg, `inherited by platform "tiktok"`) {
		t.Errorf("inherited bad c: %v", keysOf(errs))
	}
}

func TestPlatformSweep(t *testing.T) {
	src := twoPlatforms + `
[[event]]
generation = 10
from = "tiktok"
to = "rednote"
fraction = 0.4
[sweep]
event.1.fraction = [0.1, 0.5]
"platform.tiktok.alpha" = {from = 0, to = 0.2, n = 3}
`
	sc, err := Parse("s.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if sc.NumPoints() != 6 {
		t.Fatalf("%d points", sc.NumPoints())
	}
	st := sc.Point(5)
	if st.Migration.Events[0].Fraction != 0.5 || st.Platforms[0].Model.Alpha != 0.2 {
		t.Errorf("point 5: fraction %v, α %v", st.Migration.Events[0].Fraction, st.Platforms[0].Model.Alpha)
	}
	if sc.world.migration.Events[0].Fraction != 0.4 || sc.Point(0).Platforms[0].Model.Alpha != 0 {
		t.Error("a point's values leaked into the scenario")
	}
	if l := sc.Axes[0].Label(); !strings.Contains(l, "Fraction moved by event 1 (tiktok → rednote") {
		t.Errorf("axis label %q", l)
	}
	if l := sc.Axes[1].Label(); l != "α on tiktok" {
		t.Errorf("axis label %q", l)
	}
	for _, bad := range []struct{ key, frag string }{
		{`platform.lemon8.alpha = [0.1]`, `unknown platform "lemon8"`},
		{`platform.rednote.alpha = [0.1]`, "no effect on a lattice platform"},
		{`event.2.fraction = [0.1]`, "there is no [[event]] number 2"},
		{`size = [10]`, "platform.NAME.size"},
		{`"platform.tiktok.alpha" = [1.5]`, "1.5 is outside its allowed range [0, 1]"},
	} {
		s := twoPlatforms + "[[event]]\ngeneration = 10\nfrom = \"tiktok\"\nto = \"rednote\"\nfraction = 0.4\n[sweep]\n" + bad.key + "\n"
		_, err := Parse("s.toml", []byte(s))
		if err == nil || !strings.Contains(err.Error(), bad.frag) {
			t.Errorf("%s: error %v, want %q", bad.key, err, bad.frag)
		}
	}
}

// Regressions found in review: an invalid name plus an unknown reference
// must not panic; sweep points are checked by the engine's rules; t and
// bias cannot reach platforms with their own ta or tb.
func TestPlatformReviewRegressions(t *testing.T) {
	src := strings.Replace(twoPlatforms, `name = "tiktok"`, `name = "bad name"`, 1) + "[[migration]]\nfrom = \"rednote\"\nto = \"nowhere\"\nrate = 0.1\n"
	errs := errorsOf(t, src)
	if e := errs["migration.1.to"]; e == nil || !strings.Contains(e.Msg, `the platforms are "rednote"`) {
		t.Errorf("unknown platform after a bad name: %v", keysOf(errs))
	}
	src = twoPlatforms + "[sweep]\nplatform.rednote.size = [1, 5]\n"
	if _, err := Parse("s.toml", []byte(src)); err == nil || !strings.Contains(err.Error(), "sweep.platform.rednote.size: at sweep point 0") ||
		!strings.Contains(err.Error(), "platform.2.population.agents: at sweep point 1") {
		t.Errorf("lattice side 1 and 300 agents on 5×5 accepted in a sweep: %v", err)
	}
	src = strings.Replace(twoPlatforms, "alpha = 0.05\n", "alpha = 0.05\nta = 0.2\n", 1) + "[sweep]\nt = [0.1, 0.2]\n"
	if _, err := Parse("s.toml", []byte(src)); err == nil || !strings.Contains(err.Error(), `platform "tiktok" sets its own ta or tb`) {
		t.Errorf("t over a platform with its own ta: %v", err)
	}
}
