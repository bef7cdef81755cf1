package absence

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
)

// SpoolEvalOptions tune EvaluateSpool.
type SpoolEvalOptions struct {
	AsOf       Date                   // peildatum
	Exemptions map[string][]Exemption // vrijstellingen and leave per pupil key
	// Emit, when set, receives every signal instead of StreamResult.Signals: pupil by pupil in
	// the spool's order (the order of the pupils' first line in the CSV), each pupil's signals
	// by start, kind and end — the same sequence EvaluateCSV emits for the CSV.
	Emit func(Signal) error
	// Workers evaluates chunks on this many goroutines (0: GOMAXPROCS). The signals and their
	// order do not depend on it.
	Workers int
}

// spoolJob is one chunk on its way through the workers.
type spoolJob struct {
	seq          int
	payload      []byte
	pupils, rows int
	sigs         []Signal
	stats        Stats
	err          error
}

// EvaluateSpool evaluates every pupil of a spool written by WriteSpool: no text is parsed, and
// chunks of pupils are evaluated on Workers cores at once while one goroutine reads ahead. Memory
// is bounded by a few chunks per worker, whatever the size of the spool.
func (e *Evaluator) EvaluateSpool(ctx context.Context, r io.Reader, opts SpoolEvalOptions) (StreamResult, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	br := bufio.NewReaderSize(r, 1<<16)
	var magic [len(spoolMagic)]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil || string(magic[:]) != spoolMagic {
		return StreamResult{}, fmt.Errorf("%w: het begin klopt niet", ErrSpool)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *spoolJob, workers)
	done := make(chan *spoolJob, 2*workers)
	free := make(chan *spoolJob, 3*workers)
	for range 3 * workers {
		free <- &spoolJob{}
	}
	var readErr error
	var wg sync.WaitGroup
	// The reader: chunk by chunk, in order.
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		for seq := 0; ; seq++ {
			var j *spoolJob
			select {
			case j = <-free:
			case <-ctx.Done():
				return
			}
			var h [12]byte
			if _, err := io.ReadFull(br, h[:]); err != nil {
				readErr = fmt.Errorf("%w: het bestand houdt te vroeg op", ErrSpool)
				return
			}
			n := binary.LittleEndian.Uint32(h[0:])
			if n == 0 {
				return
			}
			if n > 64<<20 {
				readErr = fmt.Errorf("%w: blok van %d bytes", ErrSpool, n)
				return
			}
			j.seq, j.pupils, j.rows = seq, int(binary.LittleEndian.Uint32(h[4:])), int(binary.LittleEndian.Uint32(h[8:]))
			j.payload = slices.Grow(j.payload[:0], int(n))[:n]
			if _, err := io.ReadFull(br, j.payload); err != nil {
				readErr = fmt.Errorf("%w: het bestand houdt te vroeg op", ErrSpool)
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	var workersWG sync.WaitGroup
	for range workers {
		workersWG.Add(1)
		go func() {
			defer workersWG.Done()
			ev := &Evaluator{cal: e.cal, rules: e.rules, sources: e.sources}
			for j := range jobs {
				j.sigs, j.stats = j.sigs[:0], Stats{}
				j.err = ev.spoolChunk(j, opts)
				select {
				case done <- j:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		workersWG.Wait()
		close(done)
	}()
	// This goroutine puts the chunks back in order and hands out their signals.
	var res StreamResult
	var firstErr error
	pending := map[int]*spoolJob{}
	next := 0
	for j := range done {
		if firstErr != nil {
			continue
		}
		pending[j.seq] = j
		for {
			c, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if c.err != nil {
				firstErr = c.err
				cancel()
				break
			}
			res.Stats.add(c.stats)
			if opts.Emit != nil {
				for _, s := range c.sigs {
					if err := opts.Emit(s); err != nil {
						firstErr = err
						cancel()
						break
					}
				}
			} else {
				res.Signals = append(res.Signals, c.sigs...)
			}
			c.sigs = c.sigs[:0]
			free <- c
			if firstErr != nil {
				break
			}
		}
	}
	wg.Wait()
	if firstErr != nil {
		return StreamResult{}, firstErr
	}
	if readErr != nil {
		return StreamResult{}, readErr
	}
	if err := ctx.Err(); err != nil {
		return StreamResult{}, err
	}
	if len(pending) > 0 {
		return StreamResult{}, fmt.Errorf("%w: blokken ontbreken", ErrSpool)
	}
	SortSignals(res.Signals)
	return res, nil
}

// spoolChunk evaluates the pupils of one chunk into j.sigs.
func (e *Evaluator) spoolChunk(j *spoolJob, opts SpoolEvalOptions) error {
	b := j.payload
	rows := 0
	j.sigs = slices.Grow(j.sigs[:0], j.rows/4) // about one signal per 5-7 registrations
	mine := e.trigOut[:0]
	collect := func(s Signal) { mine = append(mine, s) }
	for p := 0; p < j.pupils; p++ {
		if len(b) < 1 {
			return fmt.Errorf("%w: leerling %d van een blok ontbreekt", ErrSpool, p)
		}
		nl := int(b[0])
		if nl == 0 || nl > MaxPupilLen || len(b) < 1+nl+8 {
			return fmt.Errorf("%w: leerling %d van een blok", ErrSpool, p)
		}
		nameB := b[1 : 1+nl]
		b = b[1+nl:]
		birth, sk := unspoolDate(binary.LittleEndian.Uint16(b[0:])), unspoolDate(binary.LittleEndian.Uint16(b[2:]))
		n := int(binary.LittleEndian.Uint32(b[4:]))
		b = b[8:]
		if n == 0 || len(b) < 4*n {
			return fmt.Errorf("%w: registraties van een leerling", ErrSpool)
		}
		recs := e.recs[:0]
		prev := uint16(0)
		for i := range n {
			day := binary.LittleEndian.Uint16(b[4*i:])
			hr := binary.LittleEndian.Uint16(b[4*i+2:])
			h, reason := int16(hr&0xfff), Reason(hr>>12)
			if day < prev || int(day) > int(MaxDate-MinDate) || Hours(h) > MaxHoursPerDay || reason == 0 || reason > Late {
				return fmt.Errorf("%w: registratie %d van een leerling", ErrSpool, i+1)
			}
			prev = day
			recs = append(recs, rec{key: uint64(day), hours: h, reason: reason})
		}
		e.recs = recs
		b = b[4*n:]
		rows += n
		pc := pupilCtx{ex: opts.Exemptions[string(nameB)], asOf: opts.AsOf}
		if birth != 0 || sk != 0 {
			pc.duty = newDuty(birth, CompulsionFacts{Startkwalificatie: sk})
		}
		mine = mine[:0]
		st, errs := e.pupil(string(nameB), recs, pc, collect)
		if len(errs) > 0 {
			return fmt.Errorf("%w: %s", ErrSpool, errs[0].Msg)
		}
		j.stats.add(st)
		j.sigs = e.order.appendSorted(j.sigs, mine)
	}
	e.trigOut = mine
	if len(b) != 0 || rows != j.rows {
		return fmt.Errorf("%w: een blok klopt niet met zijn kop", ErrSpool)
	}
	return nil
}

func unspoolDate(v uint16) Date {
	if v == 0 {
		return 0
	}
	return Date(v-1) + MinDate
}
