package scheduler

import (
	"fmt"
	"time"

	"github.com/insideaut/insidebot/flows"
)

// Reminder rows are unique per (kind, target, offset): that is what "exactly once" means.
//
//	session       s:<session>:b:<beneficiary>   <offset>@<session start, UTC>
//	step_due      st:<step>                     <due date>
//	step_overdue  st:<step>                     <due date>
//	checkin       b:<beneficiary>               <start of the silence, UTC>
//	digest        staff:<staff>                 <civil date>
//	housekeeping  purge_processed               <civil date>
//	broadcast     bc:<broadcast>                (empty)
//
// The session's start is part of the offset key, so a session moved after a reminder went
// out gets a reminder for its new time; a step's due date likewise.

func sessionTarget(sessionID, beneficiaryID int64) string {
	return fmt.Sprintf("s:%d:b:%d", sessionID, beneficiaryID)
}

const eventStamp = "20060102T150405Z"

func sessionOffsetKey(offset time.Duration, start time.Time) string {
	return FormatOffset(offset) + "@" + start.UTC().Format(eventStamp)
}

func stepTarget(stepID int64) string { return fmt.Sprintf("st:%d", stepID) }

func checkinTarget(beneficiaryID int64) string { return fmt.Sprintf("b:%d", beneficiaryID) }

func silenceKey(since time.Time) string { return since.UTC().Format(time.RFC3339) }

func digestTarget(staffID int64) string { return fmt.Sprintf("staff:%d", staffID) }

const purgeTarget = "purge_processed"

// civilDay is the civil date of t in loc as YYYY-MM-DD.
func civilDay(t time.Time, loc *time.Location) string { return flows.Today(t, loc) }

// dayStart is midnight at the start of a civil date in loc.
func dayStart(date string, loc *time.Location) (time.Time, error) {
	return flows.At(date, 0, 0, loc)
}
