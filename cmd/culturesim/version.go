package main

import (
	"context"
	"fmt"
	"io"

	"github.com/culturesim/culturesim/internal/version"
)

func cmdVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "", stdout)
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	return runVersion(ctx, stdout)
}

func runVersion(ctx context.Context, stdout io.Writer) error {
	_, err := fmt.Fprintln(stdout, "culturesim", version.Long())
	return err
}
