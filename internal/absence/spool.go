package absence

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// spool keeps signals in a temporary file until a stream is complete, so that a stream with
// StreamOptions.Emit holds no signals in memory. Kinds and sources are few distinct strings and
// are stored as indexes.
type spool struct {
	f    *os.File
	w    *bufio.Writer
	strs []string
	idx  map[string]uint16
	buf  []byte
	err  error
}

func newSpool(dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, "grondslag-signalen-*.spool")
	if err != nil {
		return nil, fmt.Errorf("tijdelijk bestand: %w", err)
	}
	return &spool{f: f, w: bufio.NewWriterSize(f, 1<<16), idx: map[string]uint16{}}, nil
}

func (s *spool) intern(v string) uint16 {
	i, ok := s.idx[v]
	if !ok {
		i = uint16(len(s.strs))
		s.idx[v] = i
		s.strs = append(s.strs, v)
	}
	return i
}

func (s *spool) put(sig Signal) {
	if s.err != nil {
		return
	}
	b := s.buf[:0]
	b = binary.AppendUvarint(b, uint64(len(sig.Pupil)))
	b = append(b, sig.Pupil...)
	b = binary.LittleEndian.AppendUint16(b, s.intern(string(sig.Kind)))
	b = binary.LittleEndian.AppendUint16(b, s.intern(sig.Source))
	b = binary.LittleEndian.AppendUint16(b, s.intern(string(sig.EndReason)))
	b = binary.AppendVarint(b, int64(sig.From))
	b = binary.AppendVarint(b, int64(sig.To))
	b = binary.AppendVarint(b, int64(sig.Hours))
	b = binary.AppendVarint(b, int64(sig.Days))
	b = binary.AppendVarint(b, int64(sig.Reached))
	b = binary.AppendVarint(b, int64(sig.Ended))
	if sig.Priority {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	s.buf = b
	_, s.err = s.w.Write(b)
}

func (s *spool) replay(emit func(Signal) error) error {
	if s.err != nil {
		return fmt.Errorf("tijdelijk bestand: %w", s.err)
	}
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("tijdelijk bestand: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r := bufio.NewReaderSize(s.f, 1<<16)
	var pupil []byte
	for {
		n, err := binary.ReadUvarint(r)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("tijdelijk bestand: %w", err)
		}
		if n > MaxPupilLen*4 {
			return fmt.Errorf("tijdelijk bestand: beschadigd")
		}
		if uint64(cap(pupil)) < n {
			pupil = make([]byte, n)
		}
		pupil = pupil[:n]
		if _, err := io.ReadFull(r, pupil); err != nil {
			return fmt.Errorf("tijdelijk bestand: %w", err)
		}
		var ix [6]byte
		if _, err := io.ReadFull(r, ix[:]); err != nil {
			return fmt.Errorf("tijdelijk bestand: %w", err)
		}
		var v [6]int64
		for i := range v {
			if v[i], err = binary.ReadVarint(r); err != nil {
				return fmt.Errorf("tijdelijk bestand: %w", err)
			}
		}
		p, err := r.ReadByte()
		if err != nil {
			return fmt.Errorf("tijdelijk bestand: %w", err)
		}
		sig := Signal{Pupil: string(pupil), Kind: Kind(s.strs[binary.LittleEndian.Uint16(ix[0:])]), Source: s.strs[binary.LittleEndian.Uint16(ix[2:])],
			EndReason: EndReason(s.strs[binary.LittleEndian.Uint16(ix[4:])]),
			From:      Date(v[0]), To: Date(v[1]), Hours: Hours(v[2]), Days: int(v[3]), Reached: Date(v[4]), Ended: Date(v[5]), Priority: p == 1}
		if err := emit(sig); err != nil {
			return err
		}
	}
}

func (s *spool) close() {
	s.f.Close()
	os.Remove(s.f.Name())
}
