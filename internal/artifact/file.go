package artifact

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// WriteFile writes data to path atomically: it writes a temporary file in
// the same directory, syncs it and renames it over path, so path holds
// either its old content or all of data, even after a crash.
func WriteFile(path string, data []byte) error {
	f, err := CreateAtomic(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// AtomicFile is a file that replaces path only when committed: until
// then it is a temporary file beside path.
type AtomicFile struct {
	f    *os.File
	path string
}

// tempInfix marks the temporary files of CreateAtomic: ".NAME.tmpRANDOM".
const tempInfix = ".tmp"

// CreateAtomic starts a file to replace path.
func CreateAtomic(path string) (*AtomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+tempInfix+"*")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &AtomicFile{f: f, path: path}, nil
}

func (a *AtomicFile) Write(p []byte) (int, error) {
	n, err := a.f.Write(p)
	if err != nil {
		err = fmt.Errorf("write %s: %w", a.path, err)
	}
	return n, err
}

// Commit syncs the file and renames it over path.
func (a *AtomicFile) Commit() error {
	for _, step := range []func() error{a.f.Sync, func() error { return a.f.Chmod(0o644) }, a.f.Close} {
		if err := step(); err != nil {
			a.Abort()
			return fmt.Errorf("write %s: %w", a.path, err)
		}
	}
	if err := os.Rename(a.f.Name(), a.path); err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("write %s: %w", a.path, err)
	}
	return nil
}

// CommitNew syncs the file and links it to path, which must not exist
// (fs.ErrExist otherwise): an atomic create.
func (a *AtomicFile) CommitNew() error {
	for _, step := range []func() error{a.f.Sync, func() error { return a.f.Chmod(0o644) }, a.f.Close} {
		if err := step(); err != nil {
			a.Abort()
			return fmt.Errorf("write %s: %w", a.path, err)
		}
	}
	defer os.Remove(a.f.Name())
	if err := os.Link(a.f.Name(), a.path); err != nil {
		return fmt.Errorf("create %s: %w", a.path, err)
	}
	return nil
}

// Abort discards the file; path keeps what it held.
func (a *AtomicFile) Abort() {
	a.f.Close()
	os.Remove(a.f.Name())
}

// Contents readies a locked output directory and lists what it holds:
// it removes the temporary files that killed writes left (CreateAtomic's;
// the caller holds the lock, so none is being written) and returns the
// other names, without the lock's own files.
func Contents(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		n := e.Name()
		leftover := tempName.MatchString(n)
		if strings.HasPrefix(n, LockFile+".new.") { // a lock being linked, or a killed taker's
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Minute {
				leftover = true
			}
		}
		switch {
		case e.Type().IsRegular() && leftover:
			if err := os.Remove(filepath.Join(dir, n)); err != nil {
				return nil, fmt.Errorf("remove the leftover %s: %w", filepath.Join(dir, n), err)
			}
		case !strings.HasPrefix(n, LockFile): // the lock, and other takers' passing files
			names = append(names, n)
		}
	}
	return names, nil
}

// tempName matches CreateAtomic's temporary files (".NAME.tmp" and the
// random digits os.CreateTemp adds), and nothing a user names.
var tempName = regexp.MustCompile(`^\..+\` + tempInfix + `[0-9]+$`)
