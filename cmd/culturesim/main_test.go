package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the command line in-process and returns its exit status and
// output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

var validAnalyze = []string{"analyze", "--b", "1.2", "--c", "0.5", "--v", "0.5", "--alpha", "0.4", "--ta", "0.5", "--tb", "0.4"}

func withFlag(args []string, flag, value string) []string {
	out := append([]string(nil), args...)
	for i := range out {
		if out[i] == flag {
			out[i+1] = value
			return out
		}
	}
	return append(out, flag, value)
}

func withoutFlag(args []string, flag string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == flag {
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}

func TestAnalyzeRejectsBadInput(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want []string // fragments of the error message
	}{
		{"c ≥ b", withFlag(withFlag(validAnalyze, "--c", "0.9"), "--b", "0.8"), []string{"--b = 0.8", "c < b ≤ 10⁶", "c = 0.9 is not below b"}},
		{"c = b", withFlag(validAnalyze, "--b", "0.5"), []string{"--b = 0.5"}},
		{"probability above 1", withFlag(validAnalyze, "--ta", "1.5"), []string{"--ta = 1.5", "[0, 1]"}},
		{"probability below 0", withFlag(validAnalyze, "--alpha", "-0.1"), []string{"--alpha = -0.1", "[0, 1]"}},
		{"cost above 1", withFlag(withFlag(validAnalyze, "--c", "1.5"), "--b", "3"), []string{"--c = 1.5", "0 ≤ c < 1"}},
		{"missing flag", withoutFlag(validAnalyze, "--tb"), []string{"missing required flag(s) --tb"}},
		{"two missing", withoutFlag(withoutFlag(validAnalyze, "--v"), "--b"), []string{"--b, --v"}},
		{"NaN", withFlag(validAnalyze, "--v", "NaN"), []string{"-v", "NaN", "not a finite number"}},
		{"Inf", withFlag(validAnalyze, "--b", "+Inf"), []string{"-b", "not a finite number"}},
		{"not a number", withFlag(validAnalyze, "--c", "abc"), []string{"-c", "\"abc\" is not a number"}},
		{"unknown flag", append(append([]string(nil), validAnalyze...), "--gamma", "1"), []string{"gamma"}},
		{"stray argument", append(append([]string(nil), validAnalyze...), "extra"), []string{"unexpected argument \"extra\""}},
		{"finite too small", append(append([]string(nil), validAnalyze...), "--finite", "1"), []string{"--finite = 1", "[2, 1000000]", "exact up to 100"}},
		{"finite negative", append(append([]string(nil), validAnalyze...), "--finite", "-5"), []string{"--finite = -5"}},
		{"finite too large", append(append([]string(nil), validAnalyze...), "--finite", "1000001"), []string{"--finite = 1000001", "[2, 1000000]"}},
		{"finite zero", append(append([]string(nil), validAnalyze...), "--finite", "0"), []string{"--finite = 0", "whole number in [2, 1000000]"}},
		{"finite not whole", append(append([]string(nil), validAnalyze...), "--finite", "2.5"), []string{"finite", "\"2.5\" is not written as a whole number", "[2, 1000000]"}},
		{"finite huge", append(append([]string(nil), validAnalyze...), "--finite", "99999999999999999999"), []string{"is too large", "[2, 1000000]"}},
		{"finite empty", append(append([]string(nil), validAnalyze...), "--finite="), []string{"\"\" is not a number", "[2, 1000000]"}},
		{"diffusion alone", append(append([]string(nil), validAnalyze...), "--diffusion"), []string{"--diffusion needs --finite N"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(t, tc.args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want 2; stderr %q", code, errs)
			}
			if out != "" {
				t.Errorf("printed a report despite the error: %q", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q does not mention %q", errs, w)
				}
			}
		})
	}
}

// analyze --finite: the exact chain up to model.FiniteMax, from every
// start, and the diffusion above it (or on request), each labelled; the
// two agree at N = 60 away from the boundaries.
func TestAnalyzeFinite(t *testing.T) {
	args := []string{"analyze", "--json", "--b", "1.3", "--c", "0.02", "--v", "1", "--alpha", "0.125", "--ta", "0.4", "--tb", "0.435"}
	type finite struct {
		N           int        `json:"n"`
		Method      string     `json:"method"`
		Starts      []int      `json:"starts"`
		Frequencies []float64  `json:"frequencies"`
		Fixation    []*float64 `json:"fixation"`
		QSD         []float64  `json:"quasi_stationary"`
		RhoA        float64    `json:"rho_a"`
		RhoAN       float64    `json:"rho_a_times_n"`
	}
	get := func(extra ...string) finite {
		code, out, errs := runCLI(t, append(append([]string(nil), args...), extra...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, errs)
		}
		var m struct {
			Finite *finite `json:"finite"`
		}
		if err := json.Unmarshal([]byte(out), &m); err != nil || m.Finite == nil {
			t.Fatalf("%v: no finite object (%v): %s", extra, err, out)
		}
		return *m.Finite
	}
	exact := get("--finite", "60")
	if exact.Method != "exact" || len(exact.Starts) != 61 || len(exact.Fixation) != 61 || len(exact.QSD) != 61 {
		t.Fatalf("exact: %+v", exact)
	}
	if *exact.Fixation[0] != 0 || *exact.Fixation[60] != 1 || exact.RhoA != *exact.Fixation[1] || math.Abs(exact.RhoAN-60*exact.RhoA) > 1e-12 {
		t.Errorf("exact fixation ends %v, %v; ρ_A %v, ρ_A·N %v", *exact.Fixation[0], *exact.Fixation[60], exact.RhoA, exact.RhoAN)
	}
	diff := get("--finite", "60", "--diffusion")
	if diff.Method != "diffusion" || len(diff.Frequencies) != len(diff.Fixation) {
		t.Fatalf("diffusion: %+v", diff)
	}
	for i, x := range diff.Frequencies {
		k := int(math.Round(x * 60))
		if math.Abs(x*60-float64(k)) < 1e-9 && x >= 0.1 && x <= 0.9 {
			if e := math.Abs(*diff.Fixation[i] / *exact.Fixation[k] - 1); e > 0.05 {
				t.Errorf("from %v: diffusion %v, exact %v", x, *diff.Fixation[i], *exact.Fixation[k])
			}
		}
	}
	if big := get("--finite", "5000"); big.Method != "diffusion" || !(big.RhoA > 0 && big.RhoA < 1) {
		t.Errorf("N = 5000: %+v", big)
	}
	// The report names the method.
	code, out, errs := runCLI(t, append(append([]string(nil), args[:1]...), append(args[2:], "--finite", "500")...)...)
	if code != 0 || !strings.Contains(out, "diffusion approximation") || !strings.Contains(out, "ρ_A·N") {
		t.Errorf("report (exit %d, %s):\n%s", code, errs, out)
	}
}

// The neutral chain (v = 0, T_A = T_B) is called neutral, whatever its
// last bits; the exact JSON has B's fixation from every start too.
func TestAnalyzeFiniteNeutral(t *testing.T) {
	code, out, errs := runCLI(t, "analyze", "--finite", "10", "--v", "0", "--ta", "0.4", "--tb", "0.4", "--alpha", "0.3", "--b", "1.3", "--c", "0.1")
	if code != 0 || !strings.Contains(out, "against 1 if neutral: neutral\n") || !strings.Contains(out, "ρ_B·N = 1: neutral\n") || strings.Contains(out, "by selection") {
		t.Errorf("exit %d (%s): want ρ_A and ρ_B neutral:\n%s", code, errs, out)
	}
	code, out, _ = runCLI(t, "analyze", "--json", "--finite", "101", "--v", "0", "--ta", "0.4", "--tb", "0.4", "--alpha", "0.3", "--b", "1.3", "--c", "0.1")
	var m struct {
		Finite struct {
			A         string     `json:"selection_on_a"`
			B         string     `json:"selection_on_b"`
			FixationB []*float64 `json:"fixation_b"`
			Freqs     []float64  `json:"frequencies"`
		} `json:"finite"`
	}
	if err := json.Unmarshal([]byte(out), &m); code != 0 || err != nil || m.Finite.A != "neutral" || m.Finite.B != "neutral" || len(m.Finite.FixationB) != len(m.Finite.Freqs) {
		t.Errorf("exit %d, %v: %+v", code, err, m.Finite)
	}
}

// A product that vanishes (β1 with T_A = T_B) prints as 0, never -0.
func TestAnalyzeNoNegativeZero(t *testing.T) {
	code, out, errs := runCLI(t, "analyze", "--b", "1.3", "--c", "0.1", "--v", "1", "--alpha", "0.4", "--ta", "0.4", "--tb", "0.4")
	if code != 0 || !strings.Contains(out, "β1 = 0\n") || strings.Contains(out, "-0\n") || strings.Contains(out, "= -0 ") {
		t.Errorf("exit %d (%s):\n%s", code, errs, out)
	}
	code, out, _ = runCLI(t, "analyze", "--json", "--b", "1.3", "--c", "0.1", "--v", "1", "--alpha", "0.4", "--ta", "0.4", "--tb", "0.4")
	if code != 0 || strings.Contains(out, "-0,") || strings.Contains(out, "-0\n") {
		t.Errorf("JSON has -0:\n%s", out)
	}
}

func TestAnalyzeJSON(t *testing.T) {
	// The MODEL.md §7 counterexample: cooperation, no interior equilibrium.
	code, out, errs := runCLI(t, "analyze", "--json", "--b", "14.5", "--c", "0.13", "--v", "0.37", "--alpha", "0.72", "--ta", "0.71", "--tb", "0.93")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	for _, k := range []string{"outcome", "pstar", "beta1", "beta3", "gamma1", "gamma2", "vhat", "a1", "a2", "equilibria"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %q missing", k)
		}
	}
	if m["outcome"] != "cooperation" {
		t.Errorf("outcome %v, want cooperation", m["outcome"])
	}
	if m["pstar"] != nil {
		t.Errorf("pstar %v, want null", m["pstar"])
	}
	eqs := m["equilibria"].([]any)
	if len(eqs) != 2 {
		t.Fatalf("equilibria %v", eqs)
	}
	last := eqs[1].(map[string]any)
	if last["p"] != 1.0 || last["stable"] != true {
		t.Errorf("equilibrium at 1: %v", last)
	}

	// v = 0: γ1, a1 and a2 are undefined and print as null; T_A > T_B.
	_, out, _ = runCLI(t, "analyze", "--json", "--b", "1.2", "--c", "0.5", "--v", "0", "--alpha", "0.4", "--ta", "0.5", "--tb", "0.4")
	m = nil
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"gamma1", "a1", "a2"} {
		if m[k] != nil {
			t.Errorf("v = 0: %s = %v, want null", k, m[k])
		}
	}
	if m["outcome"] != "cooperation" {
		t.Errorf("v = 0, T_A > T_B: outcome %v", m["outcome"])
	}

	// Bistable with its interior equilibrium (Figure 3d, blue).
	_, out, _ = runCLI(t, "analyze", "--json", "--b", "1.3", "--c", "0.904", "--v", "1", "--alpha", "0.4", "--ta", "0.5", "--tb", "0.1")
	m = nil
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	if m["outcome"] != "bistable" || m["pstar"] == nil {
		t.Errorf("3d blue: outcome %v, pstar %v", m["outcome"], m["pstar"])
	}
}

func TestAnalyzeReport(t *testing.T) {
	code, out, errs := runCLI(t, validAnalyze...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, w := range []string{"Outcome:", "invades when rare", "Equilibria", "β1 =", "β3 =", "γ1 =", "γ2 =", "a1 =", "a2 =", "v̂"} {
		if !strings.Contains(out, w) {
			t.Errorf("report lacks %q:\n%s", w, out)
		}
	}
	// Flags after positional-free args, in any order, with single dashes.
	code, _, errs = runCLI(t, "analyze", "-tb", "0.4", "-ta", "0.5", "--alpha=0.4", "--v", "0.5", "--c", "0.5", "--b", "1.2")
	if code != 0 {
		t.Fatalf("reordered flags: exit %d: %s", code, errs)
	}
}

func TestUnknownCommandAndHelp(t *testing.T) {
	if code, _, errs := runCLI(t, "frobnicate"); code != exitUsage || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: exit %d, %q", code, errs)
	}
	if code, out, _ := runCLI(t, "help"); code != 0 || !strings.Contains(out, "analyze") {
		t.Errorf("help: exit %d, %q", code, out)
	}
	if code, out, _ := runCLI(t, "analyze", "--help"); code != 0 || !strings.Contains(out, "--b B") {
		t.Errorf("analyze --help: exit %d, %q", code, out)
	}
}

func TestReproduceUnknownPanel(t *testing.T) {
	code, _, errs := runCLI(t, "reproduce", "9z", "--out", t.TempDir())
	if code != exitUsage || !strings.Contains(errs, "unknown panel \"9z\"") || !strings.Contains(errs, "2a") {
		t.Errorf("exit %d, %q", code, errs)
	}
}

func TestReproduceWritesPanel(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "reproduce", "fig2b", "3d", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "fig2b") || !strings.Contains(out, "fig3d") {
		t.Errorf("stdout %q", out)
	}
	for _, f := range []string{"fig2b/fig2b.png", "fig2b/fig2b.svg", "fig2b/fig2b.csv", "fig2b/fig2b_curves.csv", "fig2b/manifest.json",
		"fig3d/fig3d.png", "fig3d/fig3d.csv", "fig3d/fig3d_equilibria.csv", "fig3d/manifest.json"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	var m map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "fig2b", "manifest.json"))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	prov := m["provenance"].(map[string]any)
	if !strings.HasPrefix(prov["command"].(string), "culturesim ") || prov["version"] == "" {
		t.Errorf("provenance %v", prov)
	}
	png, _ := os.ReadFile(filepath.Join(dir, "fig2b", "fig2b.png"))
	if !bytes.Contains(png, []byte("iTXt")) || !bytes.Contains(png, []byte("Cohen")) {
		t.Error("PNG does not carry its provenance")
	}
	svg, _ := os.ReadFile(filepath.Join(dir, "fig2b", "fig2b.svg"))
	if !bytes.Contains(svg, []byte("<metadata>")) {
		t.Error("SVG does not carry its provenance")
	}
}
