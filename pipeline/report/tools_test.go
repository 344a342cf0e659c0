package report_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The tests run the real tools: Debian's Python with nbformat and nbconvert,
// and Debian's Chromium. `make deps-debian` (part of `make test`) installs
// them; a missing tool fails the test with that advice. Nothing is skipped.

// debianPython is Debian's interpreter, which has the python3-* packages (a
// python3 on PATH may be another one without them).
const debianPython = "/usr/bin/python3"

const installAdvice = "run `make deps-debian` (apt-get install python3-nbformat python3-pandas jupyter-nbconvert python3-openpyxl chromium)"

// needTool fails the test unless path is an executable file.
func needTool(t testing.TB, path, what string) string {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		t.Fatalf("%s (%s) is missing: %s", what, path, installAdvice)
	}
	return path
}

// python returns Debian's Python after checking that it has nbformat and
// nbconvert.
func python(t testing.TB) string {
	t.Helper()
	py := needTool(t, debianPython, "Debian's Python")
	out, err := exec.Command(py, "-c", "import nbformat, nbconvert; print(nbformat.__version__, nbconvert.__version__)").CombinedOutput()
	if err != nil {
		t.Fatalf("%s cannot import nbformat and nbconvert (%v): %s\n%s", py, err, out, installAdvice)
	}
	return py
}

// run runs a command with a time limit and returns its stdout; it fails the
// test, with stderr, when the command fails.
func run(t testing.TB, dir string, stdin []byte, name string, args ...string) []byte {
	t.Helper()
	out, errOut, err := runErr(dir, stdin, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\nstderr:\n%s\nstdout:\n%s", name, strings.Join(args, " "), err, tail(errOut), tail(out))
	}
	return out
}

func runErr(dir string, stdin []byte, name string, args ...string) (stdout, stderr []byte, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.Bytes(), e.Bytes(), err
}

func tail(b []byte) string {
	const max = 4000
	if len(b) > max {
		return "..." + string(b[len(b)-max:])
	}
	return string(b)
}

// chromiumFlags are the flags of every headless run: no network, no
// background services, a throw-away profile.
func chromiumFlags(profile string) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"}
}

// consoleLine matches what Chromium logs for a console message (script
// errors, console.* calls, blocked resources and CSP violations).
var consoleLine = regexp.MustCompile(`:CONSOLE[:(]`)

// chromium loads url headless with the extra flags and returns stdout and
// the console messages it logged.
func chromium(t testing.TB, url string, extra ...string) (stdout []byte, console []string) {
	t.Helper()
	bin := needTool(t, "/usr/bin/chromium", "Debian's Chromium")
	args := append(chromiumFlags(t.TempDir()), extra...)
	args = append(args, url)
	out, errOut, err := runErr("", nil, bin, args...)
	if err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, tail(errOut))
	}
	for _, line := range strings.Split(string(errOut), "\n") {
		if consoleLine.MatchString(line) {
			console = append(console, line)
		}
	}
	return out, console
}
