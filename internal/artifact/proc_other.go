//go:build !unix

package artifact

// pidAlive: without a way to ask, a holder on this host is presumed
// alive (its lock goes stale only when removed by hand).
func pidAlive(pid int) bool { return true }

func procStart(pid int) string { return "" }

// FreeSpace: unknown here (nothing is refused for space).
func FreeSpace(path string) (int64, bool) { return 0, false }
