package build

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestGoBuildID reads the build ID of two binaries built from sources that
// differ by one constant: each has one, it is the one `go tool buildid`
// prints, and the two differ (so a changed tool rebuilds every year).
func TestGoBuildID(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the build ID is read from ELF executables; elsewhere the executable is hashed")
	}
	dir := t.TempDir()
	var ids []string
	for _, v := range []string{"1", "2"} {
		src := filepath.Join(dir, "v"+v)
		if err := os.MkdirAll(src, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, text := range map[string]string{
			"go.mod":  "module example.com/v\n\ngo 1.22\n",
			"main.go": "package main\n\nconst v = " + v + "\n\nfunc main() { println(v) }\n",
		} {
			if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		exe := filepath.Join(dir, "bin"+v)
		cmd := exec.Command("go", "build", "-o", exe, ".")
		cmd.Dir = src
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		id := goBuildID(exe)
		out, err := exec.Command("go", "tool", "buildid", exe).Output()
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.TrimSpace(string(out)); id == "" || id != want {
			t.Fatalf("goBuildID(%s) = %q, want %q (go tool buildid)", exe, id, want)
		}
		ids = append(ids, id)
	}
	if ids[0] == ids[1] {
		t.Errorf("two different programs have the same build ID %q", ids[0])
	}
	if v := ToolVersion(); !strings.HasPrefix(v, "b") || len(v) != 16 {
		t.Errorf("ToolVersion() = %q, want the test binary's build ID digest (b + 15 hex digits)", v)
	}
}
