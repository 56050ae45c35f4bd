package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/scenarios"
)

// ErrNoToolchain: building the site's engine needs the Go toolchain.
var ErrNoToolchain = errors.New("compiling the engine to WebAssembly needs the Go toolchain (go) on PATH; a release's site/ directory is ready made")

// WriteSite writes the teaching page into dir as a static site: the
// page's files, the engine compiled to WebAssembly from this module's
// source (cmd/culturesim-wasm: the same Go packages as culturesim
// serve), and Go's wasm_exec.js loader; the page opens with the built-in
// scenario. Any static host serves it: nothing runs on a server. It
// returns the size of culturesim.wasm.
func WriteSite(ctx context.Context, dir, scenario string) (int64, error) {
	if _, err := scenarios.Builtin(scenario); err != nil {
		return 0, err
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		return 0, ErrNoToolchain
	}
	// go build runs in the module's root: the output path must not be
	// relative to where we are.
	if dir, err = filepath.Abs(dir); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	root, err := goOut(ctx, gobin, "", "list", "-m", "-f", "{{.Dir}}", "github.com/culturesim/culturesim")
	if err != nil || root == "" {
		return 0, fmt.Errorf("the culturesim module's source is needed (run this from a clone): %v", err)
	}
	goroot, err := goOut(ctx, gobin, root, "env", "GOROOT")
	if err != nil {
		return 0, err
	}
	wasm := filepath.Join(dir, "culturesim.wasm")
	build := exec.CommandContext(ctx, gobin, "build", "-trimpath", "-ldflags=-s -w", "-o", wasm, "./cmd/culturesim-wasm")
	build.Dir = root
	// The user's GOFLAGS (-race, -mod=vendor) and workspaces are not the
	// site's: the engine builds from this module alone.
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("building the WebAssembly engine: %v\n%s", err, out)
	}
	loader, err := os.ReadFile(filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"))
	if errors.Is(err, fs.ErrNotExist) {
		loader, err = os.ReadFile(filepath.Join(goroot, "misc", "wasm", "wasm_exec.js")) // Go before 1.24
	}
	if err != nil {
		return 0, fmt.Errorf("Go's wasm_exec.js: %w", err)
	}
	files := map[string][]byte{"wasm_exec.js": loader}
	page := StaticFiles()
	for _, name := range []string{"app.js", "style.css", "index.html"} {
		b, err := fs.ReadFile(page, name)
		if err != nil {
			return 0, err
		}
		files[name] = b
	}
	// The page learns it is static, and from where to load the engine.
	boot := fmt.Sprintf("<script>window.CULTURESIM_STATIC = {wasm: \"culturesim.wasm\", scenario: %q};</script>\n<script src=\"wasm_exec.js\"></script>\n<script src=\"app.js\"></script>", scenario)
	marker := []byte(`<script src="app.js"></script>`)
	if !bytes.Contains(files["index.html"], marker) {
		return 0, errors.New("the page's index.html no longer loads app.js as the site expects (a programmer error)")
	}
	index := bytes.Replace(files["index.html"], marker, []byte(boot), 1)
	index = bytes.Replace(index, []byte("The simulation runs on the server with culturesim's engine; this page only draws it."),
		[]byte("The simulation runs in this page: culturesim's engine compiled to WebAssembly (culturesim site)."), 1)
	files["index.html"] = index
	files["README.txt"] = []byte("culturesim's teaching page as a static site (culturesim site).\n\nServe this directory from any static host, e.g.\n\n    python3 -m http.server 8000\n\nand open http://localhost:8000/. The engine runs in the browser (culturesim.wasm);\nnothing is sent anywhere.\n")
	for name, b := range files {
		if err := artifact.WriteFile(filepath.Join(dir, name), b); err != nil {
			return 0, err
		}
	}
	st, err := os.Stat(wasm)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// goOut runs go with args in dir and returns its trimmed output.
func goOut(ctx context.Context, gobin, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, gobin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	out, err := cmd.Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		err = fmt.Errorf("go %s: %s", strings.Join(args, " "), strings.TrimSpace(string(ee.Stderr)))
	}
	return strings.TrimSpace(string(out)), err
}
