package artifact

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// PrepareDir makes dir ready to receive output of the given kind ("run",
// "sweep"): it creates a missing directory and accepts an empty one. A
// directory already holding output of the same kind is replaced only with
// force; anything else (foreign files, another kind, an unreadable
// manifest) is refused, so results are never overwritten silently.
func PrepareDir(dir, kind string, force bool) error {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return err
	case !st.IsDir():
		return fmt.Errorf("%s exists and is not a directory", dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(ents) == 0 {
		return nil
	}
	got, err := ManifestKind(dir)
	switch {
	case err != nil:
		return fmt.Errorf("%s is not empty and is not a culturesim output directory (%v); choose a new or empty directory with --out", dir, err)
	case got != kind:
		return fmt.Errorf("%s holds the output of a culturesim %s, not a %s; choose another directory with --out", dir, got, kind)
	case !force:
		return fmt.Errorf("%s already holds the output of a culturesim %s; pass --force to replace it, or choose another directory with --out", dir, kind)
	}
	return nil
}
