//go:build windows

package serve

import (
	"errors"
	"syscall"
)

// addrInUse reports whether a listen failed because the address is taken:
// Winsock's WSAEADDRINUSE (10048), which syscall.EADDRINUSE (an invented
// value on Windows) does not match.
func addrInUse(err error) bool {
	var errno syscall.Errno
	return errors.As(err, &errno) && errno == 10048
}
