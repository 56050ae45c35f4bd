package artifact

import (
	"fmt"
	"os"
	"path/filepath"
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

// CreateAtomic starts a file to replace path.
func CreateAtomic(path string) (*AtomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
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

// Abort discards the file; path keeps what it held.
func (a *AtomicFile) Abort() {
	a.f.Close()
	os.Remove(a.f.Name())
}
