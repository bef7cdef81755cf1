package demo_test

import (
	"time"

	"github.com/grondslag/grondslag/internal/absence"
)

func absenceDate(t time.Time) absence.Date { return absence.DateOf(t) }
