//go:build race

package ingest

// slowdown stretches the time limits of tests: the race detector makes the
// code several times slower (make test runs this package with -race).
const slowdown = 10
