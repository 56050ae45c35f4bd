package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The bash script sources, registers itself (complete -p) and completes
// subcommands, a command's flags (as its --help lists them), built-in
// scenarios and panel ids; zsh and fish scripts parse where those shells
// are installed.
func TestCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	code, script, stderr := runCLI(t, "completion", "bash")
	if code != 0 {
		t.Fatalf("completion bash: %d %s", code, stderr)
	}
	path := filepath.Join(dir, "c.bash")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	complete := func(words ...string) []string {
		t.Helper()
		line := "culturesim " + strings.Join(words, " ")
		sh := `source "$1"; complete -p culturesim >/dev/null || exit 3; COMP_WORDS=(` + line + `); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); cd "$2"; _culturesim; printf '%s\n' "${COMPREPLY[@]}"`
		out, err := exec.Command(bash, "-c", sh, "bash", path, dir).CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.Fields(string(out))
	}
	has := func(got []string, want ...string) {
		t.Helper()
		for _, w := range want {
			found := false
			for _, g := range got {
				found = found || g == w
			}
			if !found {
				t.Errorf("completions %v lack %q", got, w)
			}
		}
	}
	has(complete("sw"), "sweep")
	has(complete("re"), "reproduce")
	has(complete("sweep", "--re"), "--resume")
	has(complete("run", "--"), "--point", "--replicate", "--out", "--deterministic")
	has(complete("run", "tiktok_"), "tiktok_network", "tiktok_refugees")
	has(complete("reproduce", "net"), "net-k", "net-families")
	has(complete("completion", `""`), "bash", "zsh", "fish")
	for _, shell := range []string{"zsh", "fish"} {
		code, script, _ := runCLI(t, "completion", shell)
		if code != 0 || !strings.Contains(script, "tiktok_network") || !strings.Contains(script, "net-k") || !strings.Contains(script, "resume") {
			t.Errorf("completion %s: %d, lacks scenarios, panels or flags", shell, code)
		}
		if p, err := exec.LookPath(shell); err == nil {
			f := filepath.Join(dir, "c."+shell)
			os.WriteFile(f, []byte(script), 0o644)
			arg := "-n"
			if shell == "fish" {
				arg = "--no-execute"
			}
			if out, err := exec.Command(p, arg, f).CombinedOutput(); err != nil {
				t.Errorf("%s does not parse its script: %v %s", shell, err, out)
			}
		}
	}
	if code, _, _ := runCLI(t, "completion", "tcsh"); code != exitUsage {
		t.Errorf("completion tcsh: exit %d, want %d", code, exitUsage)
	}
}

// Help lists the built-in scenarios and panels, and flags print as --flag.
func TestHelpListsBuiltins(t *testing.T) {
	_, out, _ := runCLI(t, "help")
	for _, w := range []string{"tiktok_network", "facebook", "net-families", "finite-n", "completion"} {
		if !strings.Contains(out, w) {
			t.Errorf("help lacks %q", w)
		}
	}
	_, out, _ = runCLI(t, "sweep", "--help")
	if !strings.Contains(out, "  --resume\n") || strings.Contains(out, "\n  -resume") || !strings.Contains(out, "Built-in scenarios") || !strings.Contains(out, "net_k") {
		t.Errorf("sweep --help:\n%s", out)
	}
	_, out, _ = runCLI(t, "reproduce", "--help")
	if !strings.Contains(out, "Panels:") || !strings.Contains(out, " 4c ") {
		t.Errorf("reproduce --help:\n%s", out)
	}
}
