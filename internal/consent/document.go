package consent

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig of a scanned form
	_ "image/png"
)

// The signed paper form as proof (issue 16, item 2). A consent given on paper is recorded with
// the scan or photo of the signed form; the document's SHA-256 is the consent's evidence hash,
// so the proof and the register cannot drift apart. The store keeps the document sealed with
// the pupil's own data key (internal/envelope), so that destroying the pupil's key destroys it
// too, and it is shown only to whoever may read the consent itself, each time logged.

// MaxDocumentSize is the largest signed form accepted: a few scanned A4 pages in PDF, or a
// phone photo.
const MaxDocumentSize = 8 << 20

// The media types of an accepted document.
const (
	MediaPDF  = "application/pdf"
	MediaJPEG = "image/jpeg"
	MediaPNG  = "image/png"
)

// Document is the signed form kept as proof of a consent. Bytes is empty on a record read back
// from the register (the bytes are read only on request, see Service.Document); MediaType and
// Size say that a document exists.
type Document struct {
	MediaType string
	Size      int64
	SHA256    string // hex
	Bytes     []byte
}

// Extension is the file extension that fits the media type.
func (d Document) Extension() string {
	switch d.MediaType {
	case MediaPDF:
		return "pdf"
	case MediaJPEG:
		return "jpg"
	case MediaPNG:
		return "png"
	}
	return "bin"
}

// Label is the media type in words.
func (d Document) Label() string {
	switch d.MediaType {
	case MediaPDF:
		return "PDF"
	case MediaJPEG:
		return "JPEG-foto"
	case MediaPNG:
		return "PNG-afbeelding"
	}
	return d.MediaType
}

// NewDocument checks an uploaded signed form by its content — never by its name or the type
// the browser claims — and returns it with its hash. Accepted: a PDF (header %PDF-1.x or 2.x at
// the start and an %%EOF marker in its last kilobyte), a JPEG or PNG whose header decodes to an
// image of plausible size. Refusals wrap ErrInvalid and say in Dutch what to do.
func NewDocument(b []byte) (Document, error) {
	if len(b) == 0 {
		return Document{}, invalid("het bestand is leeg; kies de scan of foto van het getekende formulier")
	}
	if len(b) > MaxDocumentSize {
		return Document{}, invalid("het bestand is %s; het mag ten hoogste %s zijn. Scan met een lagere resolutie of maak een PDF", sizeText(int64(len(b))), sizeText(MaxDocumentSize))
	}
	mt, err := sniffDocument(b)
	if err != nil {
		return Document{}, err
	}
	sum := sha256.Sum256(b)
	return Document{MediaType: mt, Size: int64(len(b)), SHA256: hex.EncodeToString(sum[:]), Bytes: b}, nil
}

func sniffDocument(b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-1.")) || bytes.HasPrefix(b, []byte("%PDF-2.")):
		tail := b[max(0, len(b)-1024):]
		if !bytes.Contains(tail, []byte("%%EOF")) {
			return "", invalid("het bestand begint als PDF maar is niet compleet (het einde ontbreekt); scan het formulier opnieuw")
		}
		return MediaPDF, nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}), bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			return "", invalid("de afbeelding is beschadigd en kan niet worden gelezen; maak een nieuwe foto of scan")
		}
		if cfg.Width < 100 || cfg.Height < 100 || cfg.Width > 20000 || cfg.Height > 20000 {
			return "", invalid("de afbeelding is %d × %d beeldpunten; een leesbaar formulier is ten minste 100 × 100 en ten hoogste 20000 × 20000", cfg.Width, cfg.Height)
		}
		if format == "png" {
			return MediaPNG, nil
		}
		return MediaJPEG, nil
	}
	return "", invalid("dit bestand is geen PDF, JPEG of PNG (gekeken naar de inhoud, niet naar de naam); lever de scan of foto van het getekende formulier in een van die vormen")
}

func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d kB", (n+1023)/1024)
}
