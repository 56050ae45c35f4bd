package execute

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/culturesim/culturesim/internal/artifact"
)

// regionScenario is one point of a single well-mixed population of
// 10⁵ agents, 20 replicates.
func regionScenario(name string, b, c, alpha, ta, tb, initialA float64) string {
	return fmt.Sprintf(`name = %q
seed = 2026
generations = 300
replicates = 20
[model]
b = %v
c = %v
v = 1
alpha = %v
ta = %v
tb = %v
[population]
kind = "wellmixed"
size = 100000
initial_a = %v
`, name, b, c, alpha, ta, tb, initialA)
}

// In each of the four analytic regions of MODEL.md §4 a large well-mixed
// population does what the recursion says, and the summary says so.
func TestAgreementInTheFourRegions(t *testing.T) {
	if testing.Short() {
		t.Skip("80 runs of 10⁵ agents")
	}
	for _, r := range []struct {
		outcome string
		src     string
	}{
		{"cooperation", regionScenario("cooperation", 1.3, 0.1, 0.7, 0.3, 0.3, 0.5)},
		{"defection", regionScenario("defection", 1.3, 0.6, 0.7, 0.3, 0.3, 0.5)},
		{"coexistence", regionScenario("coexistence", 12, 0.35, 0.45, 0.4, 0.9, 0.5)},
		// p̂* = 0.4923: a start at 0.7 lies in the basin of cooperation.
		{"bistable", regionScenario("bistable", 1.3, 0.904, 0.4, 0.5, 0.1, 0.7)},
	} {
		t.Run(r.outcome, func(t *testing.T) {
			sc := scenario(t, r.src)
			dir := filepath.Join(t.TempDir(), r.outcome)
			if _, err := Run(context.Background(), sc, Options{Dir: dir, Kind: artifact.KindSweep, Selection: artifact.All, Provenance: prov}); err != nil {
				t.Fatal(err)
			}
			s, err := artifact.ReadTable(filepath.Join(dir, artifact.SummaryFile))
			if err != nil {
				t.Fatal(err)
			}
			row := s.Rows[0]
			if got := row[s.Col("outcome")]; got != r.outcome {
				t.Fatalf("outcome %s, want %s", got, r.outcome)
			}
			if got := row[s.Col("agreement")]; got != artifact.Agrees {
				t.Errorf("agreement %q: mean %s (SE %s), fixed A %s [%s, %s], fixed B %s, p̂* %s", got, row[s.Col("mean_final_freq_a")],
					row[s.Col("se_final_freq_a")], row[s.Col("frac_fixed_a")], row[s.Col("frac_fixed_a_lo")], row[s.Col("frac_fixed_a_hi")],
					row[s.Col("frac_fixed_b")], row[s.Col("pstar")])
			}
		})
	}
}
