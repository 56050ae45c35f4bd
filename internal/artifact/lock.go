package artifact

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// LockFile is the lock's name in an output directory.
const LockFile = ".culturesim.lock"

// The holder of a lock refreshes its file's modification time every
// lockHeartbeat; a lock of another host not refreshed for lockStale is a
// dead holder's (its PID cannot be checked from here). Variables, so
// that tests can shorten them.
var (
	lockHeartbeat = 10 * time.Second
	lockStale     = 90 * time.Second
)

// LockHolder is what a lock file says about the process holding it.
type LockHolder struct {
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Start   string    `json:"start,omitempty"` // the process's start time in the kernel's ticks (PID reuse)
	Since   time.Time `json:"since"`
	Command string    `json:"command"`
	Nonce   string    `json:"nonce"` // tells this holding from any other
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

// Lock is an exclusive claim on an output directory. The lock file is
// written whole under a unique name and hard-linked into place (link is
// atomic and fails if the name exists, on local file systems and on
// NFS/Lustre, where cluster sweeps live), so it is never seen partial. It
// names its holder (host, PID and start time, command, a nonce) and is
// refreshed while held. A lock whose holder is gone — a dead PID on this
// host, or no refresh for lockStale from another — is taken over, one
// taker at a time (an O_EXCL guard file), and only if it is still the
// stale one (its nonce).
type Lock struct {
	path   string
	holder LockHolder
	stop   chan struct{}
	done   chan struct{}
	lost   chan struct{} // closed if another process took the lock
}

var (
	heldMu sync.Mutex
	held   = map[*Lock]bool{}
)

// ReleaseAll releases every lock this process holds: for a process
// about to exit at once.
func ReleaseAll() {
	heldMu.Lock()
	locks := make([]*Lock, 0, len(held))
	for l := range held {
		locks = append(locks, l)
	}
	heldMu.Unlock()
	for _, l := range locks {
		l.Release()
	}
}

// LockDir takes dir's lock for command, or returns a *LockedError naming
// the live holder.
func LockDir(dir, command string) (*Lock, error) {
	host, _ := os.Hostname()
	path := filepath.Join(dir, LockFile)
	var nonce [8]byte
	rand.Read(nonce[:])
	me := LockHolder{Host: host, PID: os.Getpid(), Start: procStart(os.Getpid()), Since: time.Now().UTC().Truncate(time.Second),
		Command: command, Nonce: hex.EncodeToString(nonce[:])}
	b, _ := json.Marshal(me)
	for range 20 {
		err := linkLock(path, me.Nonce, append(b, '\n'))
		if err == nil {
			l := &Lock{path: path, holder: me, stop: make(chan struct{}), done: make(chan struct{}), lost: make(chan struct{})}
			heldMu.Lock()
			held[l] = true
			heldMu.Unlock()
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
		case err != nil:
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		case !isStale(h, host, alive):
			return nil, &LockedError{Dir: dir, Holder: h, Alive: alive}
		}
		takeOver(path, h)
	}
	h, alive, _ := readLock(path)
	return nil, &LockedError{Dir: dir, Holder: h, Alive: alive}
}

// linkLock writes the lock file under a unique name and links it into
// place.
func linkLock(path, nonce string, content []byte) error {
	tmp := path + ".new." + nonce
	if err := os.WriteFile(tmp, content, 0o644); err != nil {
		return err
	}
	defer os.Remove(tmp)
	return os.Link(tmp, path)
}

// takeOver removes a stale lock, if it is still the one judged stale,
// while holding the takeover guard (whose own holder, if it died, is
// given 30 s).
func takeOver(path string, stale LockHolder) {
	guard := path + ".takeover"
	g, err := os.OpenFile(guard, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		if st, err := os.Stat(guard); err == nil && time.Since(st.ModTime()) > 30*time.Second {
			os.Remove(guard)
		}
		time.Sleep(20 * time.Millisecond)
		return
	}
	g.Close()
	defer os.Remove(guard)
	if h, _, err := readLock(path); err == nil && h.Nonce == stale.Nonce {
		os.Remove(path)
	}
}

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

// readLock reads a lock file and how long ago it was refreshed. An
// unreadable one (an older culturesim's, killed while writing it) reads
// as a stale zero holder.
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
		return LockHolder{}, alive, nil
	}
	return h, alive, nil
}

// isStale: on this host a holder is alive exactly when its process is
// (same PID and start time), however long it was silent (stopped with
// Ctrl-Z, a paused machine); on another, when it refreshed the lock
// within lockStale.
func isStale(h LockHolder, host string, alive time.Duration) bool {
	switch {
	case h.PID <= 0:
		return true
	case h.Host == host:
		if !pidAlive(h.PID) {
			return true
		}
		start := procStart(h.PID)
		return h.Start != "" && start != "" && start != h.Start // the PID was reused
	}
	return alive >= lockStale
}

// Lost is closed if another process takes the lock (only one that judged
// this holder dead: a machine paused for longer than lockStale): the
// holder must stop writing.
func (l *Lock) Lost() <-chan struct{} { return l.lost }

func (l *Lock) heartbeat() {
	defer close(l.done)
	t := time.NewTicker(lockHeartbeat)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			if h, _, err := readLock(l.path); err != nil || h.Nonce != l.holder.Nonce {
				close(l.lost)
				return
			}
			now := time.Now()
			os.Chtimes(l.path, now, now)
		}
	}
}

// Release gives the directory up (the file is removed only if it is
// still this holder's). It may be called more than once.
func (l *Lock) Release() {
	if l == nil {
		return
	}
	heldMu.Lock()
	if !held[l] {
		heldMu.Unlock()
		return
	}
	delete(held, l)
	heldMu.Unlock()
	close(l.stop)
	<-l.done
	if h, _, err := readLock(l.path); err == nil && h.Nonce == l.holder.Nonce {
		os.Remove(l.path)
	}
}
