package scheduler

import (
	"fmt"
	"time"

	"github.com/insideaut/insidebot/domain/civil"
)

// Reminder rows are unique per (kind, target, offset): that is what "exactly once" means.
// Sessions' and steps' rows are planned by domain/reminders; the scheduler's own sweeps plan:
//
//	checkin       b:<beneficiary>               <start of the silence, UTC>
//	digest        staff:<staff>                 <civil date>
//	housekeeping  purge_processed               <civil date>
//	broadcast     bc:<broadcast>                (empty)

func checkinTarget(beneficiaryID int64) string { return fmt.Sprintf("b:%d", beneficiaryID) }

func silenceKey(since time.Time) string { return since.UTC().Format(time.RFC3339) }

func digestTarget(staffID int64) string { return fmt.Sprintf("staff:%d", staffID) }

const purgeTarget = "purge_processed"

// civilDay is the civil date of t in loc as YYYY-MM-DD.
func civilDay(t time.Time, loc *time.Location) string { return civil.Today(t, loc) }

// dayStart is midnight at the start of a civil date in loc.
func dayStart(date string, loc *time.Location) (time.Time, error) {
	return civil.DayStart(date, loc)
}
