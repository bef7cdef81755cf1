package csvtext

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want string
		enc  Encoding
		bad  string // part of the error
	}{
		{name: "utf-8", in: "naam\nZoë\n", want: "naam\nZoë\n", enc: UTF8},
		{name: "utf-8 with BOM", in: "\xef\xbb\xbfnaam\r\nZoë\r\n", want: "naam\r\nZoë\r\n", enc: UTF8},
		{name: "windows-1252", in: "naam\nZo\xeb\n\x80 \x93x\x94\n", want: "naam\nZoë\n€ “x”\n", enc: Windows1252},
		{name: "utf-16", in: "\xff\xfen\x00", bad: "UTF-16"},
		{name: "mixed", in: "naam\nZoë\nZo\xeb\n", bad: "regel 3: het bestand mengt"},
		{name: "undefined in 1252", in: "naam\nZo\x81\n", bad: "regel 2"},
		{name: "control character", in: "naam\nZo\xeb\x01\n", bad: "regel 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, enc, err := Decode([]byte(tc.in))
			if tc.bad != "" {
				if !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), tc.bad) {
					t.Fatalf("err = %v, want %q", err, tc.bad)
				}
				return
			}
			if err != nil || string(got) != tc.want || enc != tc.enc {
				t.Fatalf("got %q %s %v, want %q %s", got, enc, err, tc.want, tc.enc)
			}
		})
	}
}

// TestLateInvalidByte: a large UTF-8 file with a Windows-1252 byte after the detection window is
// refused at its line, also when read one byte at a time.
func TestLateInvalidByte(t *testing.T) {
	var b bytes.Buffer
	for b.Len() < 3*detectWindow {
		b.WriteString("L1,2025-09-01,4,ongeoorloofd,Zoë\n")
	}
	lines := bytes.Count(b.Bytes(), []byte("\n"))
	b.WriteString("L2,2025-09-01,4,ongeoorloofd,Zo\xeb\n")
	for _, wrap := range []func(io.Reader) io.Reader{func(r io.Reader) io.Reader { return r }, iotest.OneByteReader, iotest.HalfReader} {
		r, enc, err := NewReader(wrap(bytes.NewReader(b.Bytes())))
		if err != nil || enc != UTF8 {
			t.Fatal(enc, err)
		}
		_, err = io.ReadAll(r)
		if !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), "regel "+itoa(lines+1)+":") {
			t.Fatalf("err = %v, want line %d", err, lines+1)
		}
	}
	// Without the bad line, the text comes through unchanged, however it is read.
	good := b.Bytes()[:b.Len()-len("L2,2025-09-01,4,ongeoorloofd,Zo\xeb\n")]
	r, _, _ := NewReader(iotest.HalfReader(bytes.NewReader(good)))
	out, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(out, good) {
		t.Fatalf("round trip: %v", err)
	}
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestSeparator(t *testing.T) {
	if Separator([]byte("a;b;c\r\n1,5;2;3")) != ';' || Separator([]byte("a,b")) != ',' || Separator([]byte("a;b,c")) != ',' {
		t.Fatal("separator")
	}
}
