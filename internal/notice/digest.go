package notice

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/grondslag/grondslag/internal/civil"
)

// The daily digest (issue 15): a professional who asked for it gets one e-mail a morning that
// says how many items wait in each of his work lists, and where to sign in. The e-mail carries
// no pupil identity — no name, initials, class, school, date of birth or reference — only the
// list titles (the same for every user of the role) and counts: whoever reads the mailbox learns
// nothing about a pupil. The items themselves are shown after signing in, where the policy
// decides per item.

// DigestRecipient is a professional who asked for the daily digest.
type DigestRecipient struct {
	RegionID, UserID, OrgID int64
	OrgKind, Role           string
	Name, Email             string
}

// DigestLine is one work list of the recipient's start page with its number of items.
type DigestLine struct {
	Title string
	Count int
	// More: the count is the list's limit; there may be more.
	More bool
}

// ComposeDigest writes the digest for day; ok is false when no list holds an item (then nothing
// is sent). link is the address of the start page.
func ComposeDigest(to DigestRecipient, day civil.Date, lines []DigestLine, link string) (m Message, ok bool) {
	total, more := 0, false
	for _, l := range lines {
		total += l.Count
		more = more || l.More
	}
	if total == 0 {
		return Message{}, false
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("Beste %s,", to.Name)
	w("")
	w("Dit is uw overzicht van %s. In Grondslag wacht op u:", day.Dutch())
	w("")
	for _, l := range lines {
		if l.Count == 0 {
			continue
		}
		n := fmt.Sprint(l.Count)
		if l.More {
			n += " of meer"
		}
		w("- %s: %s", l.Title, n)
	}
	w("")
	w("Log in om ze te bekijken: %s", link)
	w("")
	w("In deze e-mail staan bewust geen namen of andere gegevens van leerlingen; die ziet u pas na het")
	w("inloggen, en alleen voor het doel waarvoor u werkt.")
	w("")
	w("U krijgt dit overzicht omdat u het op uw startpagina in Grondslag heeft aangezet. Daar zet u")
	w("het ook weer uit.")
	what := "zaak wacht"
	if total != 1 {
		what = "zaken wachten"
	}
	plus := ""
	if more {
		plus = " of meer"
	}
	return Message{To: to.Email, Subject: fmt.Sprintf("Grondslag: %d%s %s op u", total, plus, what), Body: b.String()}, true
}

// DigestSource is where the digest finds its recipients and remembers what it sent.
type DigestSource interface {
	// DigestRecipients returns the active users of the region who asked for the digest and
	// did not get it for day yet.
	DigestRecipients(ctx context.Context, regionID int64, day civil.Date) ([]DigestRecipient, error)
	// MarkDigestSent records that the user got the digest of day.
	MarkDigestSent(ctx context.Context, regionID, userID int64, day civil.Date) error
}

// DigestCounter counts the items of a recipient's work lists on day.
type DigestCounter func(ctx context.Context, r DigestRecipient, day civil.Date) ([]DigestLine, error)

// DigestResult says what a run did.
type DigestResult struct {
	Recipients, Sent, Empty, Failed int
}

// SendDigests sends the digest of day to every recipient of the region with at least one item,
// and marks each one sent (also when empty, so a second run that day sends nothing). A failure
// to send one message does not stop the others; the errors are returned joined.
func SendDigests(ctx context.Context, src DigestSource, count DigestCounter, m Mailer, regionID int64, day civil.Date, link string) (DigestResult, error) {
	var res DigestResult
	rs, err := src.DigestRecipients(ctx, regionID, day)
	if err != nil {
		return res, fmt.Errorf("digest recipients: %w", err)
	}
	var errs []error
	for _, r := range rs {
		res.Recipients++
		lines, err := count(ctx, r, day)
		if err != nil {
			res.Failed++
			errs = append(errs, fmt.Errorf("digest counts: %w", err))
			continue
		}
		msg, ok := ComposeDigest(r, day, lines, link)
		if ok {
			if err := m.Send(ctx, msg); err != nil {
				res.Failed++
				errs = append(errs, fmt.Errorf("digest send: %w", err))
				continue
			}
			res.Sent++
		} else {
			res.Empty++
		}
		if err := src.MarkDigestSent(ctx, regionID, r.UserID, day); err != nil {
			errs = append(errs, fmt.Errorf("digest mark: %w", err))
		}
	}
	return res, errors.Join(errs...)
}
