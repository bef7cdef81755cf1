package retention

import (
	"errors"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
)

// ErrListNotFound is returned for a list that does not exist in the region.
var ErrListNotFound = errors.New("vernietigingslijst niet gevonden")

// Executor is who runs a destruction: the official (cli/ui) or the scheduler (job, no user).
type Executor struct {
	UserID, OrganisationID int64
	Role                   string
	Point                  audit.AccessPoint
}

// Destruction is one executed destruction (the report's line).
type Destruction struct {
	ID           int64
	Unit         Unit
	Ground       string
	Lists        string
	Request      string
	Rules        []string
	ApprovedBy   string
	ExecutedBy   int64
	At           time.Time
	KeyDestroyed bool
	Counts       map[string]int
}
