package sim

import (
	"os"
	"testing"

	"github.com/culturesim/culturesim/internal/testgate"
)

// TestMain reports the suites skipped here (testgate).
func TestMain(m *testing.M) { os.Exit(testgate.Main(m)) }
