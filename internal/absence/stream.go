package absence

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
)

// StreamOptions tune EvaluateCSV.
type StreamOptions struct {
	AsOf Date // peildatum
	// SkipErrors evaluates the good lines of a file with bad ones (--sla-fouten-over); without
	// it a file with any bad line yields no signals at all.
	SkipErrors bool
	// MaxListedErrors bounds how many bad lines are kept for the report (default 1000); all are
	// counted.
	MaxListedErrors int
	// BufferRows is how many registrations are held in memory at most (default 1<<20, 16 MiB)
	// before a sorted run is written to a temporary file.
	BufferRows int
	TempDir    string
	// Exemptions per pupil key (vrijstellingen and leave).
	Exemptions map[string][]Exemption
	// Progress, when set, is called now and then with the number of lines read.
	Progress func(lines int)
	// Emit, when set, receives every signal instead of StreamResult.Signals, so that memory
	// stays bounded however many signals a file yields: signals are spooled to a temporary file
	// while the file is read and handed to Emit at the end, pupil by pupil in the order of the
	// pupils' first line in the file, each pupil's signals by start, kind and end (so not the
	// canonical order of SortSignals, but the same for the same file). Nothing is emitted when
	// the file has bad lines and SkipErrors is off.
	Emit func(Signal) error
}

// StreamResult is the outcome of EvaluateCSV.
type StreamResult struct {
	Signals    []Signal     // canonical order (SortSignals)
	Errors     []*LineError // the first MaxListedErrors bad lines
	ErrorCount int
	Stats      Stats
	// ExternalSort is true when the file was not grouped per pupil and was sorted through
	// temporary files.
	ExternalSort bool
}

// ErrBadLines is returned (wrapped) when a file has bad lines and SkipErrors is off.
var ErrBadLines = errors.New("het bestand bevat fouten; er is niets verwerkt")

var errRestart = errors.New("restart with external sort")

// groupedFlush is how many rows a grouped input buffers before its complete pupils are evaluated.
const groupedFlush = 1 << 14

// EvaluateCSV reads a registrations file (header leerling,datum,uren,reden) and evaluates every
// pupil in it, streaming: memory is bounded by BufferRows registrations plus one entry per pupil,
// never by the size of the file.
//
// A file grouped per pupil (every pupil's lines together, in any order within the pupil, as a
// student administration exports them) is evaluated in one pass. Otherwise the registrations are
// sorted in runs of BufferRows, written to temporary files and merged; when that is found out only
// after some pupils were evaluated, the reader is rewound and read again. The signals do not
// depend on the order of the lines.
func (e *Evaluator) EvaluateCSV(ctx context.Context, r io.ReadSeeker, opts StreamOptions) (StreamResult, error) {
	if opts.MaxListedErrors <= 0 {
		opts.MaxListedErrors = 1000
	}
	if opts.BufferRows <= 0 {
		opts.BufferRows = 1 << 20
	}
	res, err := e.stream(ctx, r, opts, false)
	// Signals of pupils evaluated before a restart were spooled, never emitted: the restart
	// discards them with the spool.
	if errors.Is(err, errRestart) {
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return StreamResult{}, fmt.Errorf("invoer opnieuw lezen: %w", err)
		}
		res, err = e.stream(ctx, r, opts, true)
	}
	if err != nil {
		return res, err
	}
	if res.ErrorCount > 0 && !opts.SkipErrors {
		res.Signals = nil
		return res, fmt.Errorf("%w (%d foute regels)", ErrBadLines, res.ErrorCount)
	}
	SortSignals(res.Signals)
	return res, nil
}

type streamer struct {
	e            *Evaluator
	ctx          context.Context
	opts         StreamOptions
	ids          map[string]uint32
	names        []string
	births, sks  []Date // per pupil id, from the optional columns
	last         []byte
	lastID       uint32
	buf          []rec
	grouped      bool
	doneUpTo     int64 // highest pupil id evaluated directly; -1 if none
	runs         []*os.File
	spool        *spool
	scratch      []rec                          // radix sort space, reused between runs
	flushAt      int                            // buffer length that triggers flush (small while the input is grouped)
	sink         func(id uint32, g []rec) error // when set, receives each sorted pupil group instead of the rules (WriteSpool)
	sinkErr      error
	mine         []Signal // the signals of the pupil being evaluated
	sorted       []Signal // the same in the order of compareSignals
	lastInterned uint32
	res          StreamResult
}

func (s *streamer) lineErr(le *LineError) {
	s.res.ErrorCount++
	if len(s.res.Errors) < s.opts.MaxListedErrors {
		s.res.Errors = append(s.res.Errors, le)
	}
}

func (s *streamer) collect(sig Signal) { s.mine = append(s.mine, sig) }

func (s *streamer) emit(sig Signal) {
	if s.spool != nil {
		s.spool.put(sig)
		return
	}
	s.res.Signals = append(s.res.Signals, sig)
}

// evalGroup evaluates one pupil's records (all of them, any order).
func (s *streamer) evalGroup(g []rec) {
	if len(g) == 0 {
		return
	}
	sortGroup(g)
	id := uint32(g[0].key >> 32)
	if s.sink != nil {
		if s.sinkErr == nil {
			s.sinkErr = s.sink(id, g)
		}
		return
	}
	name := s.names[id]
	s.mine = s.mine[:0]
	pc := pupilCtx{ex: s.opts.Exemptions[name], asOf: s.opts.AsOf}
	if int(id) < len(s.births) {
		pc.duty = newDuty(s.births[id], CompulsionFacts{Startkwalificatie: s.sks[id]})
	}
	st, errs := s.e.pupil(name, g, pc, s.collect)
	s.res.Stats.add(st)
	s.sorted = s.e.order.appendSorted(s.sorted[:0], s.mine)
	for _, sig := range s.sorted {
		s.emit(sig)
	}
	for _, le := range errs {
		s.lineErr(le)
	}
}

// evalGroups evaluates the pupil groups of recs, which is ordered by pupil; it returns the last
// group unevaluated when keepLast is set.
func (s *streamer) evalGroups(recs []rec, keepLast bool) []rec {
	start := 0
	for i := 1; i <= len(recs); i++ {
		if i < len(recs) && recs[i].key>>32 == recs[start].key>>32 {
			continue
		}
		if i == len(recs) && keepLast {
			return recs[start:]
		}
		s.evalGroup(recs[start:i])
		s.doneUpTo = int64(recs[start].key >> 32)
		start = i
	}
	return nil
}

func (e *Evaluator) stream(ctx context.Context, r io.Reader, opts StreamOptions, forceSort bool) (res StreamResult, err error) {
	return e.streamWith(ctx, r, opts, forceSort, nil)
}

// streamWith is stream with a hook that sets up the streamer before the first line (WriteSpool
// sets its sink).
func (e *Evaluator) streamWith(ctx context.Context, r io.Reader, opts StreamOptions, forceSort bool, setup func(*streamer)) (res StreamResult, err error) {
	rd, err := NewReader(r)
	if err != nil {
		return StreamResult{}, err
	}
	var src rowSource = rd
	if runtime.GOMAXPROCS(0) > 1 {
		// Parse on another core while this one evaluates.
		p := newPipeline(rd)
		defer p.stop()
		src = p
	}
	s := &streamer{e: e, ctx: ctx, opts: opts, ids: map[string]uint32{}, grouped: !forceSort, doneUpTo: -1,
		buf: make([]rec, 0, min(opts.BufferRows, 1<<16))}
	s.res.ExternalSort = forceSort
	if setup != nil {
		setup(s)
	}
	// While the input is grouped per pupil, complete pupils are evaluated every groupedFlush
	// rows, so the buffer stays small (and in cache) instead of growing to BufferRows.
	s.flushAt = opts.BufferRows
	if s.grouped {
		s.flushAt = min(opts.BufferRows, groupedFlush)
	}
	defer func() {
		for _, f := range s.runs {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if opts.Emit != nil {
		if s.spool, err = newSpool(opts.TempDir); err != nil {
			return StreamResult{}, err
		}
		defer s.spool.close()
	}
	for n := 0; ; n++ {
		if n&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return StreamResult{}, err
			}
			if opts.Progress != nil && n > 0 {
				opts.Progress(src.Line())
			}
		}
		row, err := src.next()
		if err != nil {
			if err == io.EOF {
				break
			}
			if le, ok := err.(*LineError); ok {
				s.lineErr(le)
				continue
			}
			return StreamResult{}, err
		}
		id := s.intern(row.pupil)
		if int64(id) <= s.doneUpTo {
			return StreamResult{}, errRestart
		}
		if s.grouped && id < s.lastID {
			s.grouped = false
			s.res.ExternalSort = true
			s.flushAt = s.opts.BufferRows
		}
		s.lastID = max(s.lastID, id)
		if row.birth != 0 || row.sk != 0 {
			if le := s.facts(id, row); le != nil {
				s.lineErr(le)
				continue
			}
		}
		s.buf = append(s.buf, rec{key: uint64(id)<<32 | uint64(row.day-MinDate), line: uint32(row.line), hours: int16(row.hours), reason: row.reason})
		if len(s.buf) >= s.flushAt {
			if err := s.flush(); err != nil {
				return StreamResult{}, err
			}
			if s.sinkErr != nil {
				return StreamResult{}, s.sinkErr
			}
		}
	}
	if opts.Progress != nil {
		opts.Progress(src.Line())
	}
	if err := s.finish(); err != nil {
		return StreamResult{}, err
	}
	if s.sinkErr != nil {
		return StreamResult{}, s.sinkErr
	}
	if s.spool != nil && (s.res.ErrorCount == 0 || opts.SkipErrors) {
		if err := s.spool.replay(opts.Emit); err != nil {
			return StreamResult{}, err
		}
	}
	return s.res, nil
}

func (s *streamer) intern(p []byte) uint32 {
	if len(s.names) > 0 && bytes.Equal(p, s.last) {
		return s.lastIDOf()
	}
	id, ok := s.ids[string(p)]
	if !ok {
		id = uint32(len(s.names))
		name := string(p)
		s.ids[name] = id
		s.names = append(s.names, name)
	}
	s.last = append(s.last[:0], p...)
	s.lastInterned = id
	return id
}

// facts records a pupil's date of birth and startkwalificatie; a line that contradicts an
// earlier line of the same pupil is an error.
func (s *streamer) facts(id uint32, row rawRow) *LineError {
	for int(id) >= len(s.births) {
		s.births = append(s.births, 0)
		s.sks = append(s.sks, 0)
	}
	if row.birth != 0 {
		if b := s.births[id]; b != 0 && b != row.birth {
			return &LineError{Line: row.line, Msg: fmt.Sprintf("geboortedatum %s verschilt van %s op een eerdere regel van deze leerling", row.birth, b)}
		}
		s.births[id] = row.birth
	}
	if row.sk != 0 {
		if k := s.sks[id]; k != 0 && k != row.sk {
			return &LineError{Line: row.line, Msg: "startkwalificatie verschilt van een eerdere regel van deze leerling"}
		}
		s.sks[id] = row.sk
	}
	return nil
}

func (s *streamer) lastIDOf() uint32 { return s.lastInterned }

// flush empties a full buffer: evaluate complete pupils when the input is grouped, otherwise
// write a sorted run.
func (s *streamer) flush() error {
	if s.grouped {
		rest := s.evalGroups(s.buf, true)
		if len(rest) == len(s.buf) {
			// One pupil fills the whole buffer: let it grow.
			s.buf = slices.Grow(s.buf, len(s.buf))
			s.flushAt *= 2
			s.opts.BufferRows = max(s.opts.BufferRows, s.flushAt)
			return nil
		}
		n := copy(s.buf, rest)
		s.buf = s.buf[:n]
		return nil
	}
	if cap(s.scratch) < len(s.buf) {
		s.scratch = make([]rec, len(s.buf))
	}
	sortRecsWith(s.buf, s.scratch)
	f, err := os.CreateTemp(s.opts.TempDir, "grondslag-verzuim-*.run")
	if err != nil {
		return fmt.Errorf("tijdelijk bestand: %w", err)
	}
	s.runs = append(s.runs, f)
	w := bufio.NewWriterSize(f, 1<<20)
	var b [16]byte
	for _, r := range s.buf {
		binary.LittleEndian.PutUint64(b[0:], r.key)
		binary.LittleEndian.PutUint32(b[8:], r.line)
		binary.LittleEndian.PutUint16(b[12:], uint16(r.hours))
		b[14] = byte(r.reason)
		if _, err := w.Write(b[:]); err != nil {
			return fmt.Errorf("tijdelijk bestand: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("tijdelijk bestand: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	s.buf = s.buf[:0]
	return nil
}

// sortGroup sorts one pupil's records by key: insertion sort for the usual few dozen (often
// already in order), radix sort for more.
func sortGroup(g []rec) {
	if len(g) > 64 {
		sortRecs(g)
		return
	}
	for i := 1; i < len(g); i++ {
		x := g[i]
		j := i
		for j > 0 && g[j-1].key > x.key {
			g[j] = g[j-1]
			j--
		}
		g[j] = x
	}
}

// sortRecs sorts by key: a stable LSD radix sort on 16-bit digits, skipping digits that are the
// same for every key (the key is pupil<<32 | day offset, so usually three passes).
func sortRecs(r []rec) { sortRecsWith(r, nil) }

// sortRecsWith sorts with scratch space of at least len(r), or allocates it.
func sortRecsWith(r, scratch []rec) {
	if len(r) < 256 {
		slices.SortStableFunc(r, func(a, b rec) int { return compareKey(a.key, b.key) })
		return
	}
	var or, and uint64 = 0, ^uint64(0)
	for i := range r {
		or |= r[i].key
		and &= r[i].key
	}
	diff := or ^ and
	tmp := scratch[:cap(scratch)]
	if len(tmp) < len(r) {
		tmp = make([]rec, len(r))
	}
	tmp = tmp[:len(r)]
	src, dst := r, tmp
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		if (diff>>shift)&0xffff == 0 {
			continue
		}
		clear(count[:])
		for i := range src {
			count[(src[i].key>>shift)&0xffff]++
		}
		pos := 0
		for i, c := range count {
			count[i] = pos
			pos += c
		}
		for i := range src {
			d := (src[i].key >> shift) & 0xffff
			dst[count[d]] = src[i]
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &r[0] {
		copy(r, src)
	}
}

func (s *streamer) finish() error {
	if len(s.runs) == 0 {
		if !s.grouped {
			sortRecs(s.buf)
		}
		s.evalGroups(s.buf, false)
		return nil
	}
	sortRecsWith(s.buf, s.scratch)
	s.scratch = nil
	h := &mergeHeap{}
	for _, f := range s.runs {
		src := &runReader{f: f}
		if src.next() {
			h.items = append(h.items, src)
		} else if src.err != nil {
			return src.err
		}
	}
	if len(s.buf) > 0 {
		src := &runReader{mem: s.buf}
		src.next()
		h.items = append(h.items, src)
	}
	h.init()
	var group []rec
	for h.Len() > 0 {
		top := h.items[0]
		r := top.cur
		if len(group) > 0 && group[0].key>>32 != r.key>>32 {
			s.evalGroup(group)
			group = group[:0]
		}
		group = append(group, r)
		if top.next() {
			h.down(0)
		} else {
			if top.err != nil {
				return top.err
			}
			h.popTop()
		}
	}
	s.evalGroup(group)
	return nil
}

// runReader reads a sorted run from a temporary file (in blocks) or from memory.
type runReader struct {
	f   io.Reader
	mem []rec
	blk []byte
	off int
	cur rec
	err error
}

const runBlock = 16 << 12 // 4096 records

func (rr *runReader) next() bool {
	if rr.f == nil {
		if len(rr.mem) == 0 {
			return false
		}
		rr.cur, rr.mem = rr.mem[0], rr.mem[1:]
		return true
	}
	if rr.off >= len(rr.blk) {
		if rr.blk == nil {
			rr.blk = make([]byte, runBlock)
		}
		n, err := io.ReadFull(rr.f, rr.blk[:cap(rr.blk)])
		if n%16 != 0 || (err != nil && err != io.EOF && err != io.ErrUnexpectedEOF) {
			rr.err = fmt.Errorf("tijdelijk bestand: %w", cmpErr(err))
			return false
		}
		rr.blk, rr.off = rr.blk[:n], 0
		if n == 0 {
			return false
		}
	}
	b := rr.blk[rr.off : rr.off+16]
	rr.off += 16
	rr.cur = rec{key: binary.LittleEndian.Uint64(b[0:]), line: binary.LittleEndian.Uint32(b[8:]),
		hours: int16(binary.LittleEndian.Uint16(b[12:])), reason: Reason(b[14])}
	return true
}

func cmpErr(err error) error {
	if err == nil {
		return io.ErrUnexpectedEOF
	}
	return err
}

// mergeHeap is a binary min-heap of run readers on their current key.
type mergeHeap struct{ items []*runReader }

func (h *mergeHeap) Len() int { return len(h.items) }

func (h *mergeHeap) init() {
	for i := len(h.items)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *mergeHeap) down(i int) {
	n := len(h.items)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.items[r].cur.key < h.items[l].cur.key {
			m = r
		}
		if h.items[i].cur.key <= h.items[m].cur.key {
			return
		}
		h.items[i], h.items[m] = h.items[m], h.items[i]
		i = m
	}
}

func (h *mergeHeap) popTop() {
	last := len(h.items) - 1
	h.items[0] = h.items[last]
	h.items = h.items[:last]
	if last > 0 {
		h.down(0)
	}
}

// joinLineErrors makes one error of several bad lines.
func joinLineErrors(errs []*LineError) error {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return fmt.Errorf("%w: %s", ErrBadLines, strings.Join(msgs, "; "))
}
