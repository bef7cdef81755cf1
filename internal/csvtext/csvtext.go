// Package csvtext reads CSV files the way schools, gemeenten and their administration packages
// write them: UTF-8 with or without a byte-order mark, or Windows-1252 (what Excel on Windows
// saves as "CSV (gescheiden door lijstscheidingsteken)"), with CRLF or LF line ends and ',' or ';'
// as separator. The encoding is detected; a file that is neither (UTF-16, or a mix of UTF-8 and
// Windows-1252) is refused with a Dutch message that names the line and says how to mend it, so
// that broken text ("Zo\xeb") is never stored.
//
// Every CSV import of the product reads through this package: absence registrations
// (internal/absence), organisations, users and pupils (internal/region).
package csvtext

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Encoding is the detected encoding of a file.
type Encoding string

const (
	UTF8        Encoding = "UTF-8"
	Windows1252 Encoding = "Windows-1252"
)

// ErrEncoding is returned (wrapped) for a file whose text is neither UTF-8 nor Windows-1252.
var ErrEncoding = errors.New("de tekens in het bestand zijn niet te lezen")

const mend = "sla het bestand op als \"CSV UTF-8 (door komma's gescheiden)\" en probeer het opnieuw"

// detectWindow is how much of a file the encoding is decided on; later lines are checked as they
// are read.
const detectWindow = 64 << 10

// NewReader returns a reader of the file's text as UTF-8 without a byte-order mark, and the
// detected encoding. The encoding is decided on the first 64 KiB: valid UTF-8 stays UTF-8 (and is
// checked further on: an invalid byte later gives an error naming its line); otherwise, when
// every byte is a Windows-1252 character, the whole file is read as Windows-1252.
func NewReader(r io.Reader) (io.Reader, Encoding, error) {
	br := bufio.NewReaderSize(r, detectWindow)
	head, err := br.Peek(detectWindow)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, "", err
	}
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		br.Discard(3)
		return &utf8Reader{r: br, line: 1}, UTF8, nil
	case bytes.HasPrefix(head, []byte("\xff\xfe")) || bytes.HasPrefix(head, []byte("\xfe\xff")):
		return nil, "", fmt.Errorf("%w: het bestand is UTF-16 (Unicode-tekst); %s", ErrEncoding, mend)
	}
	full := len(head) < detectWindow // the whole file is in head
	if line, ok := validUTF8Prefix(head, full); ok {
		return &utf8Reader{r: br, line: 1}, UTF8, nil
	} else if hasUTF8Multibyte(head) {
		return nil, "", fmt.Errorf("%w: regel %d: het bestand mengt UTF-8 met een andere tekenset; %s", ErrEncoding, line, mend)
	}
	if line, ok := windows1252(head); !ok {
		return nil, "", fmt.Errorf("%w: regel %d: teken dat in UTF-8 noch Windows-1252 bestaat; %s", ErrEncoding, line, mend)
	}
	return &cp1252Reader{r: br}, Windows1252, nil
}

// Decode returns a whole file as UTF-8 without a byte-order mark, with its encoding.
func Decode(b []byte) ([]byte, Encoding, error) {
	r, enc, err := NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, "", err
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, "", err
	}
	return out, enc, nil
}

// Separator returns the field separator of a file from its header line: ';' when the header
// holds a ';' and no ',', else ','.
func Separator(header []byte) rune {
	if i := bytes.IndexByte(header, '\n'); i >= 0 {
		header = header[:i]
	}
	if bytes.IndexByte(header, ';') >= 0 && bytes.IndexByte(header, ',') < 0 {
		return ';'
	}
	return ','
}

// validUTF8Prefix reports whether b is valid UTF-8; a rune cut off at the end of a partial window
// is allowed. When not, it returns the line of the first invalid byte.
func validUTF8Prefix(b []byte, full bool) (int, bool) {
	if utf8.Valid(b) {
		return 0, true
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			if !full && len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:]) {
				return 0, true
			}
			return 1 + bytes.Count(b[:i], []byte("\n")), false
		}
		i += size
	}
	return 0, true
}

// hasUTF8Multibyte reports whether b holds a valid multi-byte UTF-8 sequence.
func hasUTF8Multibyte(b []byte) bool {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if size > 1 && r != utf8.RuneError {
			return true
		}
		i += size
	}
	return false
}

// cp1252 maps the bytes 0x80–0x9F of Windows-1252; 0 marks the five undefined ones. The bytes
// 0xA0–0xFF are Latin-1, equal to their code points.
var cp1252 = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

func cp1252Rune(c byte) rune {
	if c >= 0x80 && c < 0xa0 {
		return cp1252[c-0x80]
	}
	return rune(c)
}

// windows1252 reports whether every byte of b is a Windows-1252 character (no control characters
// other than tab, CR and LF); when not, the line of the first bad one.
func windows1252(b []byte) (int, bool) {
	for i, c := range b {
		if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f || cp1252Rune(c) == 0 {
			return 1 + bytes.Count(b[:i], []byte("\n")), false
		}
	}
	return 0, true
}

// utf8Reader passes UTF-8 through and fails on the first invalid byte, naming its line.
type utf8Reader struct {
	r     *bufio.Reader
	buf   []byte // read buffer: pending output is buf[off:end], an incomplete rune follows
	off   int
	end   int
	n     int // bytes in buf
	line  int
	err   error
	atEOF bool
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	for u.off == u.end {
		if u.err != nil {
			return 0, u.err
		}
		if u.atEOF {
			if u.n > u.end { // an incomplete rune at the very end
				u.err = fmt.Errorf("%w: regel %d: geen geldige UTF-8 aan het eind; %s", ErrEncoding, u.line, mend)
				return 0, u.err
			}
			return 0, io.EOF
		}
		if u.buf == nil {
			u.buf = make([]byte, 64<<10)
		}
		// Move the incomplete rune to the front and fill up.
		k := copy(u.buf, u.buf[u.end:u.n])
		m, err := u.r.Read(u.buf[k:])
		u.n = k + m
		if err == io.EOF {
			u.atEOF = true
		} else if err != nil {
			u.err = err
		}
		chunk := u.buf[:u.n]
		t := 0
		if !u.atEOF {
			t = incompleteTail(chunk)
		}
		chunk = chunk[:u.n-t]
		if !utf8.Valid(chunk) {
			line, _ := validUTF8Prefix(chunk, true)
			u.err = fmt.Errorf("%w: regel %d: geen geldige UTF-8; %s", ErrEncoding, u.line+line-1, mend)
			return 0, u.err
		}
		u.line += bytes.Count(chunk, []byte("\n"))
		u.off, u.end = 0, len(chunk)
	}
	n := copy(p, u.buf[u.off:u.end])
	u.off += n
	return n, nil
}

// incompleteTail returns how many bytes at the end of b start a rune that is not complete yet.
func incompleteTail(b []byte) int {
	for k := 1; k < utf8.UTFMax && k <= len(b); k++ {
		c := b[len(b)-k]
		if c < 0x80 {
			return 0
		}
		if c >= 0xc0 { // a lead byte
			if !utf8.FullRune(b[len(b)-k:]) {
				return k
			}
			return 0
		}
	}
	return 0
}

// cp1252Reader decodes Windows-1252 to UTF-8.
type cp1252Reader struct {
	r   *bufio.Reader
	in  []byte
	out []byte // decoded; pending is out[off:]
	off int
	err error
}

func (c *cp1252Reader) Read(p []byte) (int, error) {
	for c.off == len(c.out) {
		if c.err != nil {
			return 0, c.err
		}
		if c.in == nil {
			c.in = make([]byte, 32<<10)
		}
		n, err := c.r.Read(c.in)
		c.out, c.off = c.out[:0], 0
		for _, b := range c.in[:n] {
			if b < 0x80 {
				c.out = append(c.out, b)
				continue
			}
			r := cp1252Rune(b)
			if r == 0 {
				c.err = fmt.Errorf("%w: teken 0x%02X bestaat niet in Windows-1252; %s", ErrEncoding, b, mend)
				break
			}
			c.out = utf8.AppendRune(c.out, r)
		}
		if err != nil && c.err == nil {
			c.err = err
		}
	}
	n := copy(p, c.out[c.off:])
	c.off += n
	return n, nil
}
