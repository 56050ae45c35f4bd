package artifact

import "testing"

// The command that continues a directory: the one that made it, with
// --resume and without --force; a reproduce panel's work directory is
// continued by reproduce itself, which has no --resume.
func TestResumeCommand(t *testing.T) {
	for _, tc := range []struct{ made, want string }{
		{"culturesim sweep fig4a --out x --force", "culturesim sweep fig4a --out x --resume"},
		{"culturesim run fig4c --resume", "culturesim run fig4c --resume"},
		{"culturesim reproduce 4b S2b --full --out results", "culturesim reproduce 4b S2b --full --out results"},
		{"", ""},
	} {
		m := &RunsManifest{}
		if tc.made != "" {
			m.Sessions = []Session{{Command: tc.made}}
		}
		if got := m.ResumeCommand(); got != tc.want {
			t.Errorf("made by %q: %q, want %q", tc.made, got, tc.want)
		}
	}
}
