package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/culturesim/culturesim/internal/execute"
	"github.com/culturesim/culturesim/internal/serve"
	"github.com/culturesim/culturesim/scenarios"
)

// siteOptions are the flags of "culturesim site".
type siteOptions struct {
	Dir, Scenario string
}

func cmdSite(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("site", "DIR [--scenario BUILTIN]", stdout)
	scen := fs.String("scenario", "fig4c", "the built-in scenario the page opens with (its picker offers every other)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("site: name one directory to write the site into, e.g. culturesim site out/site")
	}
	return runSite(ctx, siteOptions{Dir: pos[0], Scenario: *scen}, stdout)
}

// runSite writes the static site (serve.WriteSite).
func runSite(ctx context.Context, o siteOptions, stdout io.Writer) error {
	if _, err := scenarios.Builtin(o.Scenario); err != nil {
		return usageError{fmt.Errorf("site: --scenario: %w", err)}
	}
	n, err := serve.WriteSite(ctx, o.Dir, o.Scenario)
	if errors.Is(err, serve.ErrNoToolchain) {
		return usagef("site: %v", err)
	}
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	fmt.Fprintf(stdout, "culturesim site: %s (culturesim.wasm %s; serve it with: cd %s && python3 -m http.server 8000)\n", o.Dir, execute.Bytes(n), o.Dir)
	return nil
}
