package absence

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The registration spool: a file of registrations stored once in a compact binary form, grouped
// per pupil and sorted by day, that EvaluateSpool reads without parsing. WriteSpool makes it from
// a registrations CSV (reading, validating and grouping it once, through the same code as
// EvaluateCSV); every evaluation after that skips the text. Evaluating a spool gives the same
// signals, in the same order, as evaluating the CSV it was written from.
//
// Layout (little-endian):
//
//	magic "GSVZSP01"
//	chunks, each: u32 payload length, u32 pupils, u32 registrations, payload
//	end: u32 0 (an empty chunk header: payload length, pupils and registrations 0)
//
// A chunk holds whole pupils (about spoolChunkRows registrations), so chunks can be evaluated
// on separate cores. A pupil in a payload: u8 key length, the key, u16 date of birth and u16
// startkwalificatie (each day - MinDate + 1; 0 = none), u32 number of registrations, then per
// registration 4 bytes: u16 day - MinDate, u16 hours (12 bits) | reason << 12. Line numbers are
// not kept: every line was checked when the spool was written.
const spoolMagic = "GSVZSP01"

// spoolChunkRows is the target number of registrations in one chunk.
const spoolChunkRows = 1 << 15

// ErrSpool is returned (wrapped) for a file that is not a registration spool or is damaged.
var ErrSpool = errors.New("geen geldig verzuimbestand (spool)")

// SpoolOptions tune WriteSpool.
type SpoolOptions struct {
	SkipErrors      bool // write the good lines of a file with bad ones (otherwise nothing is valid)
	MaxListedErrors int
	BufferRows      int
	TempDir         string
}

// SpoolResult is the outcome of WriteSpool.
type SpoolResult struct {
	Errors       []*LineError
	ErrorCount   int
	Rows         int // registrations written
	Pupils       int
	Bytes        int64
	ExternalSort bool
}

// WriteSpool reads a registrations CSV (as EvaluateCSV does: any encoding it accepts, grouped per
// pupil or not) and writes its registrations to w as a spool. A day on which one pupil's lines
// add up to more than 24 hours is a bad line (the line that passes 24). With bad lines and
// SkipErrors off it returns an error wrapping ErrBadLines, and what was written to w is not to be
// used.
func WriteSpool(ctx context.Context, r io.ReadSeeker, w io.Writer, opts SpoolOptions) (SpoolResult, error) {
	if opts.MaxListedErrors <= 0 {
		opts.MaxListedErrors = 1000
	}
	if opts.BufferRows <= 0 {
		opts.BufferRows = 1 << 20
	}
	so := StreamOptions{SkipErrors: opts.SkipErrors, MaxListedErrors: opts.MaxListedErrors, BufferRows: opts.BufferRows, TempDir: opts.TempDir}
	sw := &spoolWriter{w: bufio.NewWriterSize(w, 1<<20)}
	var res StreamResult
	var err error
	for _, force := range []bool{false, true} {
		if force {
			// Restart with the external sort: nothing of the first pass may stay.
			if _, err := r.Seek(0, io.SeekStart); err != nil {
				return SpoolResult{}, fmt.Errorf("invoer opnieuw lezen: %w", err)
			}
			sw.reset(w)
		}
		if _, err := sw.w.WriteString(spoolMagic); err != nil {
			return SpoolResult{}, fmt.Errorf("spool schrijven: %w", err)
		}
		res, err = spoolStream(ctx, r, so, force, sw)
		if !errors.Is(err, errRestart) {
			break
		}
		if _, ok := w.(io.Seeker); !ok {
			return SpoolResult{}, fmt.Errorf("spool schrijven: het bestand is niet per leerling gegroepeerd en de uitvoer kan niet opnieuw beginnen")
		}
	}
	if err != nil {
		return SpoolResult{}, err
	}
	if err := sw.finish(); err != nil {
		return SpoolResult{}, err
	}
	out := SpoolResult{Errors: append(res.Errors, sw.errs...), ErrorCount: res.ErrorCount + sw.errCount, Rows: sw.rows, Pupils: sw.pupils, Bytes: sw.bytes, ExternalSort: res.ExternalSort}
	if len(out.Errors) > opts.MaxListedErrors {
		out.Errors = out.Errors[:opts.MaxListedErrors]
	}
	if out.ErrorCount > 0 && !opts.SkipErrors {
		return out, fmt.Errorf("%w (%d foute regels)", ErrBadLines, out.ErrorCount)
	}
	return out, nil
}

// spoolStream runs the streamer with the spool writer as the sink of each pupil group.
func spoolStream(ctx context.Context, r io.Reader, opts StreamOptions, force bool, sw *spoolWriter) (StreamResult, error) {
	e := &Evaluator{}
	return e.streamWith(ctx, r, opts, force, func(s *streamer) {
		s.sink = func(id uint32, g []rec) error {
			var birth, sk Date
			if int(id) < len(s.births) {
				birth, sk = s.births[id], s.sks[id]
			}
			return sw.pupil(s.names[id], birth, sk, g)
		}
	})
}

// spoolWriter writes pupil groups as chunks.
type spoolWriter struct {
	w            *bufio.Writer
	chunk        []byte
	chunkPupils  int
	chunkRows    int
	rows, pupils int
	bytes        int64
	errs         []*LineError
	errCount     int
	good         []rec
}

func (sw *spoolWriter) reset(w io.Writer) {
	if s, ok := w.(io.Seeker); ok {
		s.Seek(0, io.SeekStart)
	}
	if t, ok := w.(interface{ Truncate(int64) error }); ok {
		t.Truncate(0)
	}
	sw.w.Reset(w)
	sw.chunk, sw.chunkPupils, sw.chunkRows, sw.rows, sw.pupils, sw.bytes = sw.chunk[:0], 0, 0, 0, 0, 0
	sw.errs, sw.errCount = nil, 0
}

// pupil appends one pupil's registrations (sorted by day), refusing lines that take a day past
// 24 hours.
func (sw *spoolWriter) pupil(name string, birth, sk Date, g []rec) error {
	good := sw.good[:0]
	var day uint64 = ^uint64(0)
	var sum int32
	for _, r := range g {
		if d := r.key & 0xffffffff; d != day {
			day, sum = d, 0
		}
		if sum+int32(r.hours) > int32(MaxHoursPerDay) {
			sw.errCount++
			if len(sw.errs) < 1000 {
				sw.errs = append(sw.errs, &LineError{Line: int(r.line), Msg: fmt.Sprintf("leerling %s heeft op %s samen meer dan 24 uur verzuim", name, r.day())})
			}
			continue
		}
		sum += int32(r.hours)
		good = append(good, r)
	}
	sw.good = good
	if len(good) == 0 {
		return nil
	}
	b := sw.chunk
	b = append(b, byte(len(name)))
	b = append(b, name...)
	b = binary.LittleEndian.AppendUint16(b, spoolDate(birth))
	b = binary.LittleEndian.AppendUint16(b, spoolDate(sk))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(good)))
	for _, r := range good {
		b = binary.LittleEndian.AppendUint16(b, uint16(r.key))
		b = binary.LittleEndian.AppendUint16(b, uint16(r.hours)|uint16(r.reason)<<12)
	}
	sw.chunk = b
	sw.chunkPupils++
	sw.chunkRows += len(good)
	sw.pupils++
	sw.rows += len(good)
	if sw.chunkRows >= spoolChunkRows {
		return sw.flushChunk()
	}
	return nil
}

func spoolDate(d Date) uint16 {
	if d == 0 {
		return 0
	}
	return uint16(d-MinDate) + 1
}

func (sw *spoolWriter) flushChunk() error {
	if sw.chunkPupils == 0 {
		return nil
	}
	var h [12]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(len(sw.chunk)))
	binary.LittleEndian.PutUint32(h[4:], uint32(sw.chunkPupils))
	binary.LittleEndian.PutUint32(h[8:], uint32(sw.chunkRows))
	if _, err := sw.w.Write(h[:]); err != nil {
		return fmt.Errorf("spool schrijven: %w", err)
	}
	if _, err := sw.w.Write(sw.chunk); err != nil {
		return fmt.Errorf("spool schrijven: %w", err)
	}
	sw.bytes += int64(len(h) + len(sw.chunk))
	sw.chunk, sw.chunkPupils, sw.chunkRows = sw.chunk[:0], 0, 0
	return nil
}

func (sw *spoolWriter) finish() error {
	if err := sw.flushChunk(); err != nil {
		return err
	}
	var end [12]byte
	if _, err := sw.w.Write(end[:]); err != nil {
		return fmt.Errorf("spool schrijven: %w", err)
	}
	sw.bytes += int64(len(spoolMagic) + len(end))
	if err := sw.w.Flush(); err != nil {
		return fmt.Errorf("spool schrijven: %w", err)
	}
	return nil
}

// IsSpool reports whether r holds a registration spool (it starts with the spool's magic), and
// rewinds r.
func IsSpool(r io.ReadSeeker) (bool, error) {
	var b [len(spoolMagic)]byte
	n, err := io.ReadFull(r, b[:])
	if _, serr := r.Seek(0, io.SeekStart); serr != nil {
		return false, fmt.Errorf("invoer opnieuw lezen: %w", serr)
	}
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return false, err
	}
	return n == len(b) && string(b[:]) == spoolMagic, nil
}
