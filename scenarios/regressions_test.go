package scenarios

import (
	"strings"
	"testing"
)

// Regressions found by review of the one-path decoder.
func TestDecoderRegressions(t *testing.T) {
	world := strings.Replace(twoPlatforms, "agents = 300\n", "", 1)
	cases := []struct {
		name, src string
		want      map[string]string // key → fragment of its message
		not       []string          // keys that must have no error
	}{
		{"a platform may not be called all (the world's name in series)",
			strings.Replace(twoPlatforms, `name = "rednote"`, `name = "all"`, 1),
			map[string]string{"platform.2.name": `"all" is reserved`}, nil},
		{"a derived default axis would override a platform's own axis",
			world + "[sweep]\nt = [0.1, 0.2]\nplatform.tiktok.ta = [0.9]\n",
			map[string]string{"sweep.platform.tiktok.ta": "would not reach"}, nil},
		{"an unrelated error does not make a swept key missing or zero",
			"bogus = 1\n" + strings.Replace(good, "b = 1.3\n", "", 1) + "[sweep]\nb = [1.3, 1.4]\n",
			map[string]string{"bogus": "unknown key"}, []string{"model.b"}},
		{"an unrelated error does not hide a sweep point's range error",
			strings.Replace(good, "kind = \"wellmixed\"", "kind = \"wellmixed\"\nrounds = 0", 1) + "[sweep]\ninitial_a = [0.5, 2]\n",
			map[string]string{"population.rounds": "", "sweep.initial_a": "at sweep point 1 (initial_a = 2)"}, nil},
		{"a missing b is reported once, at [model]",
			strings.Replace(world, "b = 1.3\n", "", 1),
			map[string]string{"model.b": "missing"}, []string{"platform.1.model.b", "platform.2.model.b"}},
		{"b is not blamed for a c outside its range",
			strings.Replace(good, "c = 0.02", "c = 2", 1),
			map[string]string{"model.c": "2 is outside"}, []string{"model.b"}},
		{"every lattice setting out of range is reported",
			"[model]\nb = 1.3\nc = 0.02\nta = 0.4\ntb = 0.4\n[population]\nkind = \"lattice\"\nsize = 30\nradius = 2000\ninitiation = 1.5\nrounds = 0\n",
			map[string]string{"population.radius": "[1, 1000]", "population.initiation": "(0, 1]", "population.rounds": "≥ 1"}, nil},
		{"an axis repeats no value",
			good + "[sweep]\nc = [0.1, 0.1]\n",
			map[string]string{"sweep.c": "appears twice"}, nil},
		{"a near miss is only suggested when near",
			"zz = 1\n" + good,
			map[string]string{"zz": "unknown key"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := errorsOf(t, tc.src)
			for key, frag := range tc.want {
				if e := errs[key]; e == nil || !strings.Contains(e.Msg, frag) {
					t.Errorf("%s: %v, want %q; all: %v", key, e, frag, keysOf(errs))
				}
			}
			for _, key := range tc.not {
				if e := errs[key]; e != nil {
					t.Errorf("spurious error at %s: %v", key, e)
				}
			}
		})
	}
	if e := errorsOf(t, "zz = 1\n"+good)["zz"]; e == nil || strings.Contains(e.Msg, "did you mean") {
		t.Errorf("zz: %s", e.Msg)
	}
}

// Axes are numbered in file order, also in an inline table, and every
// run gives the same errors in the same order.
func TestAxisOrderAndErrorOrder(t *testing.T) {
	sc, err := Parse("s.toml", []byte("sweep = {t = [0.1, 0.2], c = [0.01, 0.02]}\n"+good))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Axes[0].Key != "t" || sc.Axes[1].Key != "c" {
		t.Errorf("axes %s, %s: want t, c (file order)", sc.Axes[0].Key, sc.Axes[1].Key)
	}
	bad := good + "[sweep]\nc = {from = 0, to = 1, stp = 1, nn = 2, q = 3}\n"
	_, first := Parse("s.toml", []byte(bad))
	for range 10 {
		if _, err := Parse("s.toml", []byte(bad)); err.Error() != first.Error() {
			t.Fatalf("errors differ between parses:\n%v\n%v", first, err)
		}
	}
}
