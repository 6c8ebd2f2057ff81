package scheduler

import (
	"fmt"
	"time"

	"github.com/insideaut/insidebot/flows"
)

// day is a calendar day: offsets that are whole days move by calendar days, not by 24 hours.
const day = 24 * time.Hour

// TimeOfDay is a wall-clock time, hours and minutes, in the bot's time zone.
type TimeOfDay struct{ Hour, Minute int }

// ParseTimeOfDay reads "HH:MM" (24-hour clock).
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	h, m, err := flows.ParseClock(s)
	if err != nil {
		return TimeOfDay{}, err
	}
	return TimeOfDay{Hour: h, Minute: m}, nil
}

func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

func (t TimeOfDay) minutes() int { return t.Hour*60 + t.Minute }

// On is the moment this wall-clock time shows on the civil day of d in loc.
func (t TimeOfDay) On(d time.Time, loc *time.Location) time.Time {
	l := d.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), t.Hour, t.Minute, 0, 0, loc)
}

// ReminderTime is when a reminder offset before event falls. An offset of whole days moves
// back by calendar days in loc, so a session at 10:00 is reminded at 10:00 the day before
// whatever daylight saving did in between; a shorter offset is plain elapsed time.
func ReminderTime(event time.Time, offset time.Duration, loc *time.Location) time.Time {
	if offset > 0 && offset%day == 0 {
		l := event.In(loc)
		return time.Date(l.Year(), l.Month(), l.Day()-int(offset/day), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), loc)
	}
	return event.Add(-offset)
}

// QuietHours is the nightly window in which nothing is sent to beneficiaries unasked. Start
// is inside the window, End is not; a window may wrap past midnight (21:00-08:00).
type QuietHours struct {
	Enabled    bool
	Start, End TimeOfDay
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
	s, e := q.Start.minutes(), q.End.minutes()
	if s < e {
		return m >= s && m < e
	}
	return m >= s || m < e
}

// endAfter is the first end of quiet hours after t.
func (q QuietHours) endAfter(t time.Time, loc *time.Location) time.Time {
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
	end := q.endAfter(t, loc)
	if event.IsZero() || end.Before(event) {
		return end, true
	}
	return q.startBefore(t, loc).Add(-time.Minute), true
}
