package absence

import (
	"errors"
	"sync"
)

// rowSource yields parsed lines: the Reader itself, or a pipeline that parses ahead on another
// goroutine.
type rowSource interface {
	next() (rawRow, error)
	Line() int
}

// pipeline parses lines on its own goroutine in batches, so that parsing and evaluation run on
// two cores. Batches are recycled; a row's pupil bytes stay valid until the next call to next
// after its batch is done, as with Reader.
type pipeline struct {
	full  chan *batch
	free  chan *batch
	done  chan struct{}
	wg    sync.WaitGroup
	cur   *batch
	pos   int
	line  int
	final error
}

type batchRow struct {
	row      rawRow // pupil nil: see off/len
	off, len int
	err      error // a *LineError for a bad line
}

type batch struct {
	rows  []batchRow
	arena []byte
	err   error // io.EOF or a read error after the rows
	line  int
}

const batchRows = 4096

func newPipeline(rd *Reader) *pipeline {
	p := &pipeline{full: make(chan *batch, 4), free: make(chan *batch, 6), done: make(chan struct{})}
	for range 6 {
		p.free <- &batch{rows: make([]batchRow, 0, batchRows), arena: make([]byte, 0, batchRows*16)}
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer close(p.full)
		for {
			var b *batch
			select {
			case b = <-p.free:
			case <-p.done:
				return
			}
			b.rows, b.arena, b.err = b.rows[:0], b.arena[:0], nil
			for len(b.rows) < batchRows {
				row, err := rd.next()
				if err != nil {
					if le, ok := err.(*LineError); ok {
						b.rows = append(b.rows, batchRow{err: le})
						continue
					}
					b.err = err
					break
				}
				off := len(b.arena)
				b.arena = append(b.arena, row.pupil...)
				row.pupil = nil
				b.rows = append(b.rows, batchRow{row: row, off: off, len: len(b.arena) - off})
			}
			b.line = rd.Line()
			select {
			case p.full <- b:
			case <-p.done:
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	return p
}

func (p *pipeline) next() (rawRow, error) {
	for {
		if p.cur != nil && p.pos < len(p.cur.rows) {
			br := &p.cur.rows[p.pos]
			p.pos++
			if br.err != nil {
				return rawRow{}, br.err
			}
			r := br.row
			r.pupil = p.cur.arena[br.off : br.off+br.len]
			return r, nil
		}
		if p.cur != nil {
			if p.cur.err != nil {
				p.final = p.cur.err
			}
			p.free <- p.cur
			p.cur = nil
		}
		if p.final != nil {
			return rawRow{}, p.final
		}
		b, ok := <-p.full
		if !ok {
			return rawRow{}, errors.New("verwerking afgebroken")
		}
		p.cur, p.pos, p.line = b, 0, b.line
	}
}

// Line returns the last line parsed (ahead of the rows handed out).
func (p *pipeline) Line() int { return p.line }

// stop ends the parsing goroutine and waits for it, so that the reader may be rewound.
func (p *pipeline) stop() {
	close(p.done)
	// Drain so that a blocked send finishes.
	go func() {
		for range p.full {
		}
	}()
	p.wg.Wait()
}
