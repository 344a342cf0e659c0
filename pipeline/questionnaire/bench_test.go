package questionnaire

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkLoad2015 measures loading and validating the full 2015 questionnaire.
func BenchmarkLoad2015(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "schemas", "2015", "questionnaire.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("questionnaire.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
