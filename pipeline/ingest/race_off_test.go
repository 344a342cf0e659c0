//go:build !race

package ingest

// slowdown stretches the time limits of tests (see race_on_test.go).
const slowdown = 1
