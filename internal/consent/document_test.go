package consent

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// scanImage is a small grey image the size of a readable scan.
func scanImage(t *testing.T, format string, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	img.Set(1, 1, color.Black)
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestNewDocumentChecksContent(t *testing.T) {
	pdf := []byte("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	big := append([]byte("%PDF-1.4\n"), make([]byte, MaxDocumentSize)...)
	for _, tc := range []struct {
		name     string
		in       []byte
		wantType string
		wantErr  string
	}{
		{"pdf", pdf, MediaPDF, ""},
		{"pdf 2.0", []byte("%PDF-2.0\n%%EOF"), MediaPDF, ""},
		{"pdf zonder einde", []byte("%PDF-1.7\n1 0 obj"), "", "niet compleet"},
		{"jpeg", scanImage(t, "jpeg", 300, 400), MediaJPEG, ""},
		{"png", scanImage(t, "png", 300, 200), MediaPNG, ""},
		{"png te klein", scanImage(t, "png", 20, 20), "", "ten minste 100"},
		{"jpeg-kop met rommel", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{1}, 50)...), "", "beschadigd"},
		{"tekst met de naam .pdf", []byte("Ik geef toestemming. Handtekening."), "", "geen PDF, JPEG of PNG"},
		{"html", []byte("<html><script>alert(1)</script></html>"), "", "geen PDF, JPEG of PNG"},
		{"pdf-woord verderop", []byte("xx%PDF-1.7\n%%EOF"), "", "geen PDF"},
		{"leeg", nil, "", "leeg"},
		{"te groot", big, "", "ten hoogste 8.0 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewDocument(tc.in)
			if tc.wantErr != "" {
				if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("NewDocument = %+v, %v; want an error with %q", d.MediaType, err, tc.wantErr)
				}
				return
			}
			if err != nil || d.MediaType != tc.wantType || d.Size != int64(len(tc.in)) || len(d.SHA256) != 64 {
				t.Fatalf("NewDocument = %s %d %s, %v", d.MediaType, d.Size, d.SHA256, err)
			}
		})
	}
}

func TestDocumentBecomesTheEvidence(t *testing.T) {
	cfg := BuiltinConfig()
	fam := family("2017-01-01")
	doc, err := NewDocument([]byte("%PDF-1.7\n%%EOF"))
	if err != nil {
		t.Fatal(err)
	}
	base := draft(ParentGiver(10), ParentGiver(11))
	base.Channel, base.EvidenceHash = ChannelWritten, ""
	base.Document = &doc

	rec, err := New(base, fam, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.Data(); got.EvidenceHash != doc.SHA256 || got.Document == nil || got.Document.MediaType != MediaPDF {
		t.Fatalf("evidence = %q, document %+v", got.EvidenceHash, got.Document)
	}

	other := base
	other.EvidenceHash = strings.Repeat("ab", 32)
	if _, err := New(other, fam, cfg); err == nil || !strings.Contains(err.Error(), "hoort niet bij het geüploade formulier") {
		t.Errorf("another hash beside the document: %v", err)
	}
	oral := base
	oral.Channel, oral.HeardBy = ChannelOral, "mentor"
	if _, err := New(oral, fam, cfg); err == nil || !strings.Contains(err.Error(), "geen getekend formulier") {
		t.Errorf("oral consent with a document: %v", err)
	}
	forged := base
	forged.Document = &Document{MediaType: MediaPDF, Size: 3, Bytes: []byte("abc")}
	if _, err := New(forged, fam, cfg); err == nil || !strings.Contains(err.Error(), "niet gecontroleerd") {
		t.Errorf("a document not made by NewDocument: %v", err)
	}
}
