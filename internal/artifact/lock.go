package artifact

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// LockFile is the lock's name in an output directory.
const LockFile = ".culturesim.lock"

// The holder of a lock refreshes its file's modification time every
// lockHeartbeat; a lock not refreshed for lockStale is a dead holder's
// (on another host, where its PID cannot be checked). Variables, so that
// tests can shorten them.
var (
	lockHeartbeat = 10 * time.Second
	lockStale     = 90 * time.Second
)

// LockHolder is what a lock file says about the process holding it.
type LockHolder struct {
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Since   time.Time `json:"since"`
	Command string    `json:"command"`
}

// LockedError says that another culturesim holds an output directory.
type LockedError struct {
	Dir    string
	Holder LockHolder
	Alive  time.Duration // since the holder last refreshed the lock
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("%s is in use by another culturesim (pid %d on %s, since %s, last alive %s ago: %s); wait for it to end or stop it — "+
		"if it died on another host, its lock goes stale %s after its last sign of life (or remove %s)",
		e.Dir, e.Holder.PID, e.Holder.Host, e.Holder.Since.Format(time.RFC3339), e.Alive.Round(time.Second), e.Holder.Command,
		lockStale, filepath.Join(e.Dir, LockFile))
}

// Lock is an exclusive claim on an output directory: a file created
// with O_EXCL (atomic on local file systems and NFSv3+/Lustre, where
// cluster sweeps live) holding the host and PID of its holder, refreshed
// while held. A lock whose holder is gone — a dead PID on this host, or
// no refresh for lockStale — is taken over.
type Lock struct {
	path   string
	holder LockHolder
	stop   chan struct{}
	done   chan struct{}
}

// LockDir takes dir's lock for command, or returns a *LockedError naming
// the live holder.
func LockDir(dir, command string) (*Lock, error) {
	host, _ := os.Hostname()
	path := filepath.Join(dir, LockFile)
	me := LockHolder{Host: host, PID: os.Getpid(), Since: time.Now().UTC().Truncate(time.Second), Command: command}
	for range 4 {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			b, _ := json.Marshal(me)
			_, werr := f.Write(append(b, '\n'))
			if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
				os.Remove(path)
				return nil, fmt.Errorf("lock %s: %w", dir, err)
			}
			l := &Lock{path: path, holder: me, stop: make(chan struct{}), done: make(chan struct{})}
			go l.heartbeat()
			return l, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		}
		h, alive, err := readLock(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue // released meanwhile
		case err != nil: // being written by its new holder, or unreadable
			return nil, &LockedError{Dir: dir, Holder: LockHolder{Command: "(taking the lock)"}, Alive: alive}
		case !isStale(h, host, alive):
			return nil, &LockedError{Dir: dir, Holder: h, Alive: alive}
		}
		// Stale (or unreadable and old): move it aside, check that what
		// was moved is the stale lock and not a new holder's, drop it.
		aside := fmt.Sprintf("%s.stale.%d", path, os.Getpid())
		if err := os.Rename(path, aside); err != nil {
			continue
		}
		if got, _, rerr := readLock(aside); rerr == nil && !got.same(h) {
			os.Link(aside, path) // a new holder's: put it back (fails if yet another took the path)
			os.Remove(aside)
			return nil, &LockedError{Dir: dir, Holder: got, Alive: 0}
		}
		os.Remove(aside)
	}
	return nil, fmt.Errorf("lock %s: the lock file keeps changing hands", dir)
}

var errLockPartial = errors.New("lock file being written")

// Holder reports who holds dir's lock and how long ago it last showed
// life (ok false: nobody, or a holder that is gone).
func Holder(dir string) (h LockHolder, alive time.Duration, ok bool) {
	h, alive, err := readLock(filepath.Join(dir, LockFile))
	if err != nil {
		return h, alive, false
	}
	host, _ := os.Hostname()
	return h, alive, !isStale(h, host, alive)
}

// readLock reads a lock file and how long ago it was refreshed. A file
// still being written (empty or partial) reads as an error until it is
// old, then as a stale zero holder.
func readLock(path string) (LockHolder, time.Duration, error) {
	var h LockHolder
	st, err := os.Stat(path)
	if err != nil {
		return h, 0, err
	}
	alive := time.Since(st.ModTime())
	b, err := os.ReadFile(path)
	if err != nil {
		return h, alive, err
	}
	if err := json.Unmarshal(b, &h); err != nil {
		if alive < 5*time.Second {
			return h, alive, errLockPartial
		}
		return LockHolder{}, lockStale, nil // a holder killed while writing it
	}
	return h, alive, nil
}

func (h LockHolder) same(o LockHolder) bool {
	return h.Host == o.Host && h.PID == o.PID && h.Since.Equal(o.Since) && h.Command == o.Command
}

func isStale(h LockHolder, host string, alive time.Duration) bool {
	if h.PID == 0 || alive >= lockStale {
		return true
	}
	return h.Host == host && !pidAlive(h.PID)
}

// pidAlive reports whether a process of this host has that PID.
func pidAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func (l *Lock) heartbeat() {
	defer close(l.done)
	t := time.NewTicker(lockHeartbeat)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			now := time.Now()
			os.Chtimes(l.path, now, now) // a failure shows as staleness, which only a dead holder should have
		}
	}
}

// Release gives the directory up (the file is removed only if it is
// still this holder's).
func (l *Lock) Release() {
	if l == nil {
		return
	}
	close(l.stop)
	<-l.done
	if h, _, err := readLock(l.path); err == nil && h.same(l.holder) {
		os.Remove(l.path)
	}
}
