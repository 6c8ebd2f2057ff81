// Package civil reads and writes the dates and times people type and see: civil dates
// (YYYY-MM-DD in storage), times of day, and the moment a date and a time denote in the bot's
// time zone. The conversations, the scheduler and the CSV importer share it.
package civil

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Layout is the layout of civil dates (a step's due date, a lead's expiry) in storage.
const Layout = "2006-01-02"

// ErrBadDate and ErrBadTime are input that is not a date or a time.
var (
	ErrBadDate = errors.New("not a date: use dd/mm/yyyy")
	ErrBadTime = errors.New("not a time: use hh:mm")
)

// ParseDate reads a date typed by staff: dd/mm/yyyy (also with - or .) or yyyy-mm-dd. It
// returns the civil date as YYYY-MM-DD.
func ParseDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	var y, m, d int
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) != 3 {
		return "", ErrBadDate
	}
	nums := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return "", ErrBadDate
		}
		nums[i] = n
	}
	if len(parts[0]) == 4 {
		y, m, d = nums[0], nums[1], nums[2]
	} else if len(parts[2]) == 4 {
		d, m, y = nums[0], nums[1], nums[2]
	} else {
		return "", ErrBadDate
	}
	t := time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d || y < 2000 || y > 2100 {
		return "", ErrBadDate
	}
	return t.Format(Layout), nil
}

// ParseClock reads a time of day typed by staff: hh:mm (also h.mm).
func ParseClock(s string) (hour, minute int, err error) {
	s = strings.TrimSpace(s)
	h, m, ok := strings.Cut(strings.ReplaceAll(s, ".", ":"), ":")
	if !ok || len(m) != 2 {
		return 0, 0, ErrBadTime
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return 0, 0, ErrBadTime
	}
	return hour, minute, nil
}

// At is the moment a civil date and time of day denote in loc. time.Date resolves a clock
// time that daylight saving skips or repeats the way Go documents; 10:00 stays 10:00 whatever
// the offset.
func At(date string, hour, minute int, loc *time.Location) (time.Time, error) {
	d, err := time.Parse(Layout, date)
	if err != nil {
		return time.Time{}, ErrBadDate
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, loc), nil
}

// Today is the civil date of now in loc.
func Today(now time.Time, loc *time.Location) string { return now.In(loc).Format(Layout) }

// DayStart is midnight at the start of a civil date in loc.
func DayStart(date string, loc *time.Location) (time.Time, error) { return At(date, 0, 0, loc) }

// TimeOfDay is a wall-clock time, hours and minutes, in the bot's time zone.
type TimeOfDay struct{ Hour, Minute int }

// ParseTimeOfDay reads "HH:MM" (24-hour clock).
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	h, m, err := ParseClock(s)
	if err != nil {
		return TimeOfDay{}, err
	}
	return TimeOfDay{Hour: h, Minute: m}, nil
}

func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

// Minutes is the time of day in minutes since midnight.
func (t TimeOfDay) Minutes() int { return t.Hour*60 + t.Minute }

// On is the moment this wall-clock time shows on the civil day of d in loc.
func (t TimeOfDay) On(d time.Time, loc *time.Location) time.Time {
	l := d.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), t.Hour, t.Minute, 0, 0, loc)
}
