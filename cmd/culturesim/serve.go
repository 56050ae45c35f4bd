package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"

	"github.com/culturesim/culturesim/internal/serve"
	"github.com/culturesim/culturesim/scenarios"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "[SCENARIO.toml|BUILTIN] [--addr 127.0.0.1:8080] [--classroom [--students N] [--per-address N]]", stdout)
	addr := fs.String("addr", "", "address to listen on (default 127.0.0.1:8080, loopback: the page controls simulations on this machine; 0.0.0.0:8080 with --classroom)")
	classroom := fs.Bool("classroom", false, "one shared world that students join from their browsers on the local network, with the code the teacher's page shows; each student sets one platform's culture")
	students := fs.Int("students", serve.DefaultStudents, fmt.Sprintf("with --classroom: the most participants, [1, %d]", serve.MaxStudents))
	perAddress := fs.Int("per-address", serve.DefaultPerAddress, fmt.Sprintf("with --classroom: the most students joining from one address, [1, %d] (raise it where a school's network shows every device as one address)", serve.MaxStudents))
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("serve: at most one scenario (a .toml file or a built-in name: %v), got %d", scenarios.BuiltinNames(), len(pos))
	}
	if *addr == "" {
		*addr = "127.0.0.1:8080"
		if *classroom {
			*addr = "0.0.0.0:8080"
		}
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usagef("serve: --addr = %q is not host:port (e.g. 127.0.0.1:8080)", *addr)
	}
	host := serve.HostOf(*addr)
	loopback, everywhere := serve.IsLoopbackHost(host), serve.IsEveryAddress(host)
	switch {
	case !loopback && !*classroom:
		return usagef("serve: --addr = %q is beyond loopback: only a classroom (--classroom, with its join code) listens there; without it, use 127.0.0.1:PORT", *addr)
	case !*classroom && (flagGiven(fs, "students") || flagGiven(fs, "per-address")):
		return usagef("serve: --students and --per-address are a classroom's (--classroom)")
	case *students < 1 || *students > serve.MaxStudents:
		return usagef("serve: --students = %d is outside its allowed range [1, %d]", *students, serve.MaxStudents)
	case *perAddress < 1 || *perAddress > serve.MaxStudents:
		return usagef("serve: --per-address = %d is outside its allowed range [1, %d]", *perAddress, serve.MaxStudents)
	}
	var sc *scenarios.Scenario
	if len(pos) == 1 {
		if sc, err = openScenario(pos[0], stderr); err != nil {
			return err
		}
	}
	var srv *serve.Server
	if *classroom {
		srv, err = serve.NewClassroom(ctx, sc, serve.ClassOptions{Students: *students, PerAddress: *perAddress,
			OnCode: func(code string) {
				fmt.Fprintf(stdout, "culturesim classroom: the teacher drew a new code: %s\n", code)
			}})
	} else {
		srv, err = serve.New(sc)
	}
	if err != nil {
		return usageError{err}
	}
	if !*classroom {
		srv.RestrictToLoopback()
	}
	err = serve.ListenAndServe(ctx, *addr, srv, func(page string) {
		if !*classroom {
			fmt.Fprintf(stdout, "culturesim teaching mode: open %s (Ctrl-C to stop)\n", page)
			return
		}
		u, _ := url.Parse(page)
		joins := []string{page}
		if everywhere {
			if lan := serve.LANURLs(u.Port()); len(lan) > 0 {
				joins = lan
			}
		}
		srv.SetJoinURLs(joins)
		// On this computer: loopback when listening on every address,
		// else the address it listens on.
		teacher := strings.TrimSuffix(page, "/") + srv.TeacherPath()
		if everywhere {
			teacher = "http://" + net.JoinHostPort("127.0.0.1", u.Port()) + srv.TeacherPath()
		}
		fmt.Fprintf(stdout, "culturesim classroom: the teacher opens %s on this computer (keep it to yourself: it controls the class)\n", teacher)
		fmt.Fprintf(stdout, "students open %s and enter the code %s (up to %d participants; Ctrl-C ends the class)\n", strings.Join(joins, " or "), srv.JoinCode(), *students)
		if loopback {
			fmt.Fprintf(stderr, "culturesim: warning: %s is this computer's own address: students' devices cannot reach it (use --addr 0.0.0.0:%s, the default, for a class)\n", host, u.Port())
		}
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
