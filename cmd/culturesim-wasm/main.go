//go:build js && wasm

// Command culturesim-wasm is culturesim's teaching session compiled to
// WebAssembly for the static site ("culturesim site DIR"): the same Go
// packages as culturesim serve, running in the browser. It exposes
// window.culturesimWasm with start(scenario, onEvent), control(json) and
// seriesCSV(); the page (internal/serve/static/app.js) uses them instead
// of its server's stream and API when the site sets
// window.CULTURESIM_STATIC.
package main

import (
	"context"
	"encoding/json"
	"syscall/js"

	"github.com/culturesim/culturesim/internal/serve"
	"github.com/culturesim/culturesim/scenarios"
)

func main() {
	var local *serve.Local
	var cancel context.CancelFunc
	api := map[string]any{
		// start(name, onEvent): a new session of the built-in scenario
		// name ("" for fig4c); onEvent(event, json) receives its stream.
		"start": js.FuncOf(func(this js.Value, args []js.Value) any {
			if cancel != nil {
				cancel()
			}
			var sc *scenarios.Scenario
			if name := args[0].String(); name != "" {
				var err error
				if sc, err = scenarios.Builtin(name); err != nil {
					return err.Error()
				}
			}
			l, err := serve.NewLocal(sc)
			if err != nil {
				return err.Error()
			}
			local = l
			onEvent := args[1]
			var ctx context.Context
			ctx, cancel = context.WithCancel(context.Background())
			go l.Run(ctx, func(event string, v any) (err error) {
				b, err := json.Marshal(v)
				if err != nil {
					return err
				}
				// The page catches its handlers' errors; should one still
				// throw, the session goes on rather than the program ending.
				defer func() {
					if r := recover(); r != nil {
						err = nil
					}
				}()
				onEvent.Invoke(event, string(b))
				return nil
			})
			return ""
		}),
		// control(json): a control, as POST /api/control takes it; it
		// returns the same JSON answer.
		"control": js.FuncOf(func(this js.Value, args []js.Value) any {
			var c serve.Control
			c.Platform = -1
			if err := json.Unmarshal([]byte(args[0].String()), &c); err != nil {
				return `{"error":"invalid control: ` + jsonEscape(err.Error()) + `"}`
			}
			if local == nil {
				return `{"error":"no session"}`
			}
			if err := local.Apply(c); err != nil {
				return `{"error":"` + jsonEscape(err.Error()) + `"}`
			}
			return `{"ok":true}`
		}),
		"seriesCSV": js.FuncOf(func(this js.Value, args []js.Value) any {
			if local == nil {
				return ""
			}
			return string(local.SeriesCSV())
		}),
	}
	js.Global().Set("culturesimWasm", js.ValueOf(api))
	select {} // keep the functions alive
}

func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}
