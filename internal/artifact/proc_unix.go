//go:build unix

package artifact

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// pidAlive reports whether a process of this host has that PID.
func pidAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// procStart is a process's start time in clock ticks since boot (field 22
// of /proc/PID/stat), "" where there is no /proc.
func procStart(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command may hold spaces and parentheses
	if i < 0 {
		return ""
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return ""
	}
	return f[19] // fields 3… follow the command; starttime is the 22nd
}

// FreeSpace is the space free to unprivileged users on the file system
// holding path.
func FreeSpace(path string) (int64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, false
	}
	return int64(st.Bavail) * int64(st.Bsize), true
}
