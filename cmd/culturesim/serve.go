package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/culturesim/culturesim/internal/serve"
	"github.com/culturesim/culturesim/scenarios"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "[SCENARIO.toml|BUILTIN] [--addr 127.0.0.1:8080]", stdout)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (loopback by default: the page controls simulations on this machine)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("serve: at most one scenario (a .toml file or a built-in name: %v), got %d", scenarios.BuiltinNames(), len(pos))
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return usagef("serve: --addr = %q is not host:port (e.g. 127.0.0.1:8080)", *addr)
	}
	var sc *scenarios.Scenario
	if len(pos) == 1 {
		if sc, err = openScenario(pos[0], stderr); err != nil {
			return err
		}
	}
	srv, err := serve.New(sc)
	if err != nil {
		return usageError{err}
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(stderr, "culturesim: warning: serving on %s: anyone who can reach this address can run simulations here\n", *addr)
	} else {
		srv.RestrictToLoopback()
	}
	err = serve.ListenAndServe(ctx, *addr, srv, func(url string) {
		fmt.Fprintf(stdout, "culturesim teaching mode: open %s (Ctrl-C to stop)\n", url)
	})
	if err == nil && ctx.Err() != nil {
		return ctx.Err() // stopped by a signal: exit 130, as the table says
	}
	var busy *serve.BusyError
	if errors.As(err, &busy) {
		return usageError{err}
	}
	return err
}
