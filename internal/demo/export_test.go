package demo_test

import (
	"time"

	"github.com/grondslag/grondslag/internal/absence"
)

func absenceDateT(t time.Time) absence.Date { return absence.DateOf(t) }
