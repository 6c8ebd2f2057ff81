package reminders

import (
	"strings"
	"time"

	"github.com/insideaut/insidebot/domain/civil"
)

// Day is a calendar day: offsets that are whole days move by calendar days, not by 24 hours.
const Day = 24 * time.Hour

// ReminderTime is when a reminder offset before event falls. An offset of whole days moves
// back by calendar days in loc, so a session at 10:00 is reminded at 10:00 the day before
// whatever daylight saving did in between; a shorter offset is plain elapsed time.
func ReminderTime(event time.Time, offset time.Duration, loc *time.Location) time.Time {
	if offset > 0 && offset%Day == 0 {
		l := event.In(loc)
		return time.Date(l.Year(), l.Month(), l.Day()-int(offset/Day), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), loc)
	}
	return event.Add(-offset)
}

// FormatOffset writes an offset the short way: 24h, 2h, 1h30m, 5s.
func FormatOffset(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// QuietHours is the nightly window in which nothing is sent to beneficiaries unasked. Start
// is inside the window, End is not; a window may wrap past midnight (21:00-08:00).
type QuietHours struct {
	Enabled    bool
	Start, End civil.TimeOfDay
}

func (q QuietHours) String() string {
	if !q.Enabled {
		return "off"
	}
	return q.Start.String() + "-" + q.End.String()
}

// Contains tells whether t falls inside quiet hours in loc.
func (q QuietHours) Contains(t time.Time, loc *time.Location) bool {
	if !q.Enabled {
		return false
	}
	l := t.In(loc)
	m := l.Hour()*60 + l.Minute()
	s, e := q.Start.Minutes(), q.End.Minutes()
	if s < e {
		return m >= s && m < e
	}
	return m >= s || m < e
}

// EndAfter is the first end of quiet hours after t.
func (q QuietHours) EndAfter(t time.Time, loc *time.Location) time.Time {
	c := q.End.On(t, loc)
	if !c.After(t) {
		c = q.End.On(t.In(loc).AddDate(0, 0, 1), loc)
	}
	return c
}

// startBefore is the last start of quiet hours at or before t.
func (q QuietHours) startBefore(t time.Time, loc *time.Location) time.Time {
	c := q.Start.On(t, loc)
	if c.After(t) {
		c = q.Start.On(t.In(loc).AddDate(0, 0, -1), loc)
	}
	return c
}

// Adjust moves a reminder time out of quiet hours: to their end, unless that is not before
// the event (zero when there is none), in which case to one minute before they began. moved
// tells whether the time changed.
func (q QuietHours) Adjust(t, event time.Time, loc *time.Location) (at time.Time, moved bool) {
	if !q.Contains(t, loc) {
		return t, false
	}
	end := q.EndAfter(t, loc)
	if event.IsZero() || end.Before(event) {
		return end, true
	}
	return q.startBefore(t, loc).Add(-time.Minute), true
}
