#!/bin/sh
# Regenerates the teaching page's screenshots in docs/ from the browser
# tests (headless Chromium: chromium must be installed; .ci/run installs it).
set -eu
cd "$(dirname "$0")/.."
d=$(pwd)/docs
CULTURESIM_BROWSER=1 \
CULTURESIM_SCREENSHOT="$d/teaching-mode.png" \
CULTURESIM_PLATFORMS_SCREENSHOT="$d/teaching-mode-platforms.png" \
CULTURESIM_PROJECTOR_SCREENSHOT="$d/teaching-mode-projector.png" \
CULTURESIM_NETWORK_SCREENSHOT="$d/teaching-mode-network.png" \
CULTURESIM_CLASSROOM_SCREENSHOT="$d/classroom-teacher.png" \
CULTURESIM_STUDENT_SCREENSHOT="$d/classroom-student.png" \
CULTURESIM_PHONE_SCREENSHOT="$d/classroom-phone.png" \
	go test ./internal/serve/ -count=1 -run 'TestBrowser$|TestBrowserPlatforms|TestBrowserProjector|TestBrowserNetwork|TestBrowserClassroom' "$@"
ls -l "$d"/*.png
