package ingest

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// sniffSize is how much of a file the encoding is detected from. Bytes after
// it are checked cell by cell as the file is read (code encoding, row-level).
const sniffSize = 64 << 10

type fileKind int

const (
	kindUTF8 fileKind = iota
	kindUTF8BOM
	kindSJIS
	kindXLSX
	kindBad // not an accepted encoding: see sniffed.guess
)

// Encoding names reported in Report.Encoding.
const (
	EncodingUTF8    = "UTF-8"
	EncodingUTF8BOM = "UTF-8 (BOM)"
	EncodingSJIS    = "Shift_JIS"
	EncodingXLSX    = "XLSX"
)

type sniffed struct {
	kind  fileKind
	name  string // Report.Encoding
	guess string // for kindBad: what the file looks like, for the message
	value string // for kindBad: the telling bytes, in hex
	// unsure marks a guess made only because nothing else fits (the
	// message then says "perhaps").
	unsure bool
}

var (
	zipMagic      = []byte("PK\x03\x04")
	zipEmptyMagic = []byte("PK\x05\x06")
	oleMagic      = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	bomUTF8       = []byte{0xEF, 0xBB, 0xBF}
)

// sniff detects the kind of file from its first bytes; complete says whether
// prefix is the whole file. xlsxName says the file name ends in .xlsx.
func sniff(prefix []byte, complete, xlsxName bool) sniffed {
	switch {
	case bytes.HasPrefix(prefix, zipMagic), bytes.HasPrefix(prefix, zipEmptyMagic), xlsxName:
		return sniffed{kind: kindXLSX, name: EncodingXLSX}
	case bytes.HasPrefix(prefix, oleMagic):
		return bad("OLE2 compound file", "a legacy Excel workbook (.xls) or a password-protected XLSX (OLE2 compound file); save it unprotected as .xlsx or as CSV", prefix[:8])
	case bytes.HasPrefix(prefix, []byte{0xFF, 0xFE, 0, 0}):
		return bad("UTF-32LE", "UTF-32 (little-endian, byte order mark FF FE 00 00)", prefix[:4])
	case bytes.HasPrefix(prefix, []byte{0, 0, 0xFE, 0xFF}):
		return bad("UTF-32BE", "UTF-32 (big-endian, byte order mark 00 00 FE FF)", prefix[:4])
	case bytes.HasPrefix(prefix, []byte{0xFF, 0xFE}):
		return bad("UTF-16LE", "UTF-16 (little-endian, byte order mark FF FE), as Excel's \"Unicode text\" writes", prefix[:2])
	case bytes.HasPrefix(prefix, []byte{0xFE, 0xFF}):
		return bad("UTF-16BE", "UTF-16 (big-endian, byte order mark FE FF)", prefix[:2])
	case bytes.HasPrefix(prefix, bomUTF8):
		return sniffed{kind: kindUTF8BOM, name: EncodingUTF8BOM}
	}
	if s, ok := sniffNUL(prefix); ok {
		return s
	}
	for _, esc := range [][]byte{{0x1B, '$', 'B'}, {0x1B, '$', '@'}, {0x1B, '(', 'J'}, {0x1B, '(', 'I'}} {
		if i := bytes.Index(prefix, esc); i >= 0 {
			return bad("ISO-2022-JP", "ISO-2022-JP (JIS code, escape sequences such as ESC $ B)", prefix[i:i+3])
		}
	}
	p := prefix
	if !complete {
		// Cut at a line end so that no character is split.
		if i := bytes.LastIndexByte(p, '\n'); i > 0 {
			p = p[:i+1]
		}
	}
	if validUTF8Prefix(p, complete && len(p) == len(prefix)) {
		return sniffed{kind: kindUTF8, name: EncodingUTF8}
	}
	sjis, sjisOK := decodeSJIS(p)
	euc := validEUCJP(p)
	if euc && (!sjisOK || halfwidthKanaShare(sjis) > 0.5) {
		return bad("EUC-JP", "EUC-JP (or another EUC-family encoding)", firstNonASCII(p))
	}
	if sjisOK {
		return sniffed{kind: kindSJIS, name: EncodingSJIS}
	}
	// A few bad bytes in a file that is otherwise UTF-8 (or Shift_JIS) are
	// damaged cells, reported with their row as the file is read, not a
	// wrong encoding of the whole file. (Text in a single-byte encoding
	// almost never holds valid multi-byte UTF-8 sequences.)
	if valid, invalid := utf8Counts(p); valid > 0 && 2*invalid <= valid {
		return sniffed{kind: kindUTF8, name: EncodingUTF8}
	}
	if replacedShare(sjis) < 0.05 {
		return sniffed{kind: kindSJIS, name: EncodingSJIS}
	}
	s := bad("single-byte", "a single-byte encoding such as Windows-1252 or ISO-8859-1", firstNonASCII(p))
	s.unsure = true
	return s
}

// replacedShare is the share of replacement characters among the non-ASCII
// characters of s (a decoding's failures).
func replacedShare(s string) float64 {
	bad, all := 0, 0
	for _, r := range s {
		if r < utf8.RuneSelf {
			continue
		}
		all++
		if r == utf8.RuneError {
			bad++
		}
	}
	if all == 0 {
		return 1
	}
	return float64(bad) / float64(all)
}

func bad(name, guess string, b []byte) sniffed {
	return sniffed{kind: kindBad, name: name, guess: guess, value: hexBytes(b)}
}

func hexBytes(b []byte) string {
	if len(b) > 8 {
		b = b[:8]
	}
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02X", c)
	}
	return strings.Join(parts, " ")
}

// sniffNUL recognises UTF-16 without a byte order mark (ASCII text has a NUL
// in every other byte) and binary data.
func sniffNUL(p []byte) (sniffed, bool) {
	even, odd := 0, 0
	for i, c := range p {
		if c == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	if even+odd == 0 {
		return sniffed{}, false
	}
	half := len(p) / 2
	switch {
	case odd > half/4 && even*8 < odd:
		return bad("UTF-16LE", "UTF-16 (little-endian, without byte order mark)", p[:min(len(p), 4)]), true
	case even > half/4 && odd*8 < even:
		return bad("UTF-16BE", "UTF-16 (big-endian, without byte order mark)", p[:min(len(p), 4)]), true
	}
	i := bytes.IndexByte(p, 0)
	return bad("binary", "binary data (it holds NUL bytes), not a text file", p[i:min(len(p), i+4)]), true
}

// validUTF8Prefix reports whether p is valid UTF-8; unless complete, an
// incomplete character at the very end is allowed.
func validUTF8Prefix(p []byte, complete bool) bool {
	if utf8.Valid(p) {
		return true
	}
	if complete {
		return false
	}
	for cut := 1; cut <= 3 && cut <= len(p); cut++ {
		if utf8.Valid(p[:len(p)-cut]) && !utf8.FullRune(p[len(p)-cut:]) {
			return true
		}
	}
	return false
}

// decodeSJIS decodes p as Shift_JIS (CP932) and reports whether every byte
// sequence was valid and mapped.
func decodeSJIS(p []byte) (string, bool) {
	out, err := japanese.ShiftJIS.NewDecoder().Bytes(p)
	if err != nil {
		return string(out), false
	}
	return string(out), !bytes.ContainsRune(out, utf8.RuneError)
}

// validEUCJP reports whether p is structurally EUC-JP with at least one
// non-ASCII character.
func validEUCJP(p []byte) bool {
	nonASCII := false
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c < 0x80:
			i++
			continue
		case c == 0x8E: // half-width katakana
			if i+1 >= len(p) || p[i+1] < 0xA1 || p[i+1] > 0xDF {
				return false
			}
			i += 2
		case c == 0x8F: // JIS X 0212
			if i+2 >= len(p) || !eucByte(p[i+1]) || !eucByte(p[i+2]) {
				return false
			}
			i += 3
		case eucByte(c):
			if i+1 >= len(p) || !eucByte(p[i+1]) {
				return false
			}
			i += 2
		default:
			return false
		}
		nonASCII = true
	}
	return nonASCII
}

func eucByte(c byte) bool { return c >= 0xA1 && c <= 0xFE }

// halfwidthKanaShare is the share of half-width katakana among the non-ASCII
// characters of s: EUC-JP read as Shift_JIS is mostly half-width katakana,
// which real Japanese text rarely is.
func halfwidthKanaShare(s string) float64 {
	kana, all := 0, 0
	for _, r := range s {
		if r < utf8.RuneSelf {
			continue
		}
		all++
		if r >= 0xFF61 && r <= 0xFF9F {
			kana++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(kana) / float64(all)
}

// utf8Counts counts the valid multi-byte UTF-8 characters of p and its
// bytes that are not UTF-8.
func utf8Counts(p []byte) (valid, invalid int) {
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRune(p[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			invalid++
		case n > 1:
			valid++
		}
		i += n
	}
	return valid, invalid
}

func firstNonASCII(p []byte) []byte {
	for i, c := range p {
		if c >= 0x80 {
			return p[i:min(len(p), i+4)]
		}
	}
	return nil
}
