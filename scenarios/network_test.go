package scenarios

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/culturesim/culturesim/sim"
)

const netModel = "[model]\nb = 1.3\nc = 0.05\nv = 1\nta = 0.3\ntb = 0.3\n"

// Edge lists are read relative to the scenario file; their errors name
// the scenario's key and line, and the file's line.
func TestEdgeFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("ok.txt", "1 2\n2 3\n3 1\n3 4\n")
	write("bad.txt", "1 2\n2 three\n")
	write("empty.txt", "# nothing\n")
	load := func(src string) (*Scenario, error) {
		path := filepath.Join(dir, "s.toml")
		write("s.toml", src)
		return Load(path)
	}
	net := func(edges, extra string) string {
		return netModel + "[population]\nkind = \"network\"\ngraph = \"edges\"\nedges = \"" + edges + "\"\n" + extra
	}
	sc, err := load(net("ok.txt", ""))
	if err != nil {
		t.Fatal(err)
	}
	pc := sc.Point(0).Platforms[0]
	if pc.Sites() != 4 || pc.Graph().Edges() != 4 {
		t.Errorf("ok.txt: %d nodes, %v", pc.Sites(), pc.Graph())
	}
	if ef := sc.DataFiles()["ok.txt"]; ef == nil || len(ef.SHA256) != 64 {
		t.Errorf("edge file not recorded: %+v", ef)
	}
	for _, c := range []struct{ src, want string }{
		{net("missing.txt", ""), "population.edges: " + filepath.Join(dir, "missing.txt") + ": no such file (a relative path"},
		{net("", ""), "population.edges: an empty file name; give the path of an edge list"},
		{net("bad.txt", ""), `bad.txt:2: "three" is not an integer node id`},
		{net("empty.txt", ""), "empty.txt: no nodes: the edge list is empty"},
		{net("ok.txt", "agents = 5\n"), "population.agents: 5 is outside its allowed range [0, 4] (the graph's nodes; 0: every node)"},
		{net("ok.txt", "size = 7\n"), "population.size: the edge list ok.txt has 4 nodes"},
		{netModel + "[population]\nkind = \"network\"\nsize = 10\ngraph = \"regular\"\nedges = \"ok.txt\"\ndegree = 2\n", `an edge list needs graph = "edges"`},
		{netModel + "[population]\nkind = \"lattice\"\nsize = 10\ndegree = 4\n", `population.degree: applies to networks only (no platform has kind = "network")`},
		{netModel + "[population]\nkind = \"network\"\nsize = 11\ngraph = \"regular\"\ndegree = 3\n", "population.degree: degree 3 on 11 nodes: nodes × degree must be even (11 × 3 = 33), or no graph has it"},
		{net("ok.txt", "[sweep]\nedges = [\"ok.txt\", \"bad.txt\"]\n"), "edges cannot be swept"},
	} {
		_, err := load(c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant …%s…", c.src, err, c.want)
		}
	}
}

// Built-in network scenarios read their data from the embedded files;
// a fixed graph is the same for every point with the same settings, and
// its seed comes from the scenario's.
func TestBuiltinNetworks(t *testing.T) {
	sc, err := Builtin("facebook")
	if err != nil {
		t.Fatal(err)
	}
	g := sc.Point(0).Platforms[0].Graph()
	if g == nil || g.Nodes() != 4039 || g.Edges() != 88234 {
		t.Fatalf("facebook graph %v", g)
	}
	nk, err := Builtin("net_k")
	if err != nil {
		t.Fatal(err)
	}
	a, b := nk.Point(0).Platforms[0], nk.Point(1).Platforms[0] // k = 3 at two costs
	if a.Network.Degree != 3 || a.Graph() != b.Graph() {
		t.Errorf("points 0 and 1 (k = %d, %d) do not share their graph", a.Network.Degree, b.Network.Degree)
	}
	if a.Network.Seed != GraphSeed(nk.Seed, 0) {
		t.Errorf("graph seed %d, want GraphSeed(seed, 0)", a.Network.Seed)
	}
	if last := nk.Point(nk.NumPoints() - 1).Platforms[0]; last.Network.Degree != 20 || math.Abs(last.Model.Alpha-1.0/20) > 1e-12 {
		t.Errorf("last point: k = %d, α = %g", last.Network.Degree, last.Model.Alpha)
	}
	for _, name := range []string{"tiktok_network", "facebook_platforms", "net_families"} {
		sc, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, pc := range sc.Point(0).Platforms {
			if pc.Kind == sim.KindNetwork && pc.Graph() == nil {
				t.Errorf("%s: platform %s has no graph", name, pc.Name)
			}
		}
	}
}
