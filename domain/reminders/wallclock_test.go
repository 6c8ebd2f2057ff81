package reminders

import (
	"testing"
	"time"

	"github.com/insideaut/insidebot/domain/civil"
)

func rome(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestReminderTimeAcrossDaylightSaving: a session at 10:00 is reminded at 10:00 the day before
// on both sides of both changes of the clock in Europe/Rome; shorter offsets are elapsed time.
func TestReminderTimeAcrossDaylightSaving(t *testing.T) {
	loc := rome(t)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
	cases := []struct {
		name   string
		event  time.Time
		offset time.Duration
		want   time.Time
	}{
		{"spring: Sunday 29 March after the change, reminded Saturday", at(2026, 3, 29, 10, 0), 24 * time.Hour, at(2026, 3, 28, 10, 0)},
		{"spring: Monday 30 March, reminded on the Sunday of the change", at(2026, 3, 30, 10, 0), 24 * time.Hour, at(2026, 3, 29, 10, 0)},
		{"spring: two days across the change", at(2026, 3, 30, 10, 0), 48 * time.Hour, at(2026, 3, 28, 10, 0)},
		{"autumn: Sunday 26 October after the change, reminded Saturday", at(2025, 10, 26, 10, 0), 24 * time.Hour, at(2025, 10, 25, 10, 0)},
		{"autumn: Monday 27 October, reminded on the Sunday of the change", at(2025, 10, 27, 10, 0), 24 * time.Hour, at(2025, 10, 26, 10, 0)},
		{"two hours before, on the day of the change", at(2026, 3, 29, 10, 0), 2 * time.Hour, at(2026, 3, 29, 8, 0)},
		{"two hours across the missing hour are two real hours", at(2026, 3, 29, 4, 0), 2 * time.Hour, at(2026, 3, 29, 1, 0)},
		{"five seconds", at(2025, 12, 3, 10, 0), 5 * time.Second, at(2025, 12, 3, 9, 59).Add(55 * time.Second)},
	}
	for _, c := range cases {
		got := ReminderTime(c.event, c.offset, loc)
		if !got.Equal(c.want) {
			t.Errorf("%s: %s before %s = %s, want %s", c.name, c.offset, c.event, got.In(loc), c.want)
		}
	}
	// The naive subtraction would be an hour off across the change: the test above tells them apart.
	if ev := at(2026, 3, 29, 10, 0); ev.Add(-24 * time.Hour).Equal(at(2026, 3, 28, 10, 0)) {
		t.Fatal("24 elapsed hours should not land on 10:00 the day before the spring change")
	}
}

// TestQuietHoursAtBothEdges: inside quiet hours a reminder goes at their end, or, when that is
// not before the event, one minute before they began; the edges are start-inclusive.
func TestQuietHoursAtBothEdges(t *testing.T) {
	loc := rome(t)
	at := func(d, h, min int) time.Time { return time.Date(2025, 12, d, h, min, 0, 0, loc) }
	night := QuietHours{Enabled: true, Start: civil.TimeOfDay{Hour: 21, Minute: 0}, End: civil.TimeOfDay{Hour: 8, Minute: 0}}
	cases := []struct {
		name      string
		q         QuietHours
		t, event  time.Time
		want      time.Time
		wantMoved bool
	}{
		{"one minute before they start", night, at(2, 20, 59), at(2, 22, 59), at(2, 20, 59), false},
		{"as they start, event before their end", night, at(2, 21, 0), at(2, 23, 0), at(2, 20, 59), true},
		{"in the small hours, event after their end", night, at(3, 7, 59), at(3, 9, 59), at(3, 8, 0), true},
		{"as they end", night, at(3, 8, 0), at(3, 10, 0), at(3, 8, 0), false},
		{"their end is the event itself", night, at(3, 6, 0), at(3, 8, 0), at(2, 20, 59), true},
		{"a day ahead, early session", night, at(2, 7, 30), at(3, 7, 30), at(2, 8, 0), true},
		{"no event: at their end", night, at(3, 2, 0), time.Time{}, at(3, 8, 0), true},
		{"late evening, no event: next morning", night, at(3, 23, 0), time.Time{}, at(4, 8, 0), true},
		{"a window that does not wrap", QuietHours{Enabled: true, Start: civil.TimeOfDay{Hour: 13, Minute: 0}, End: civil.TimeOfDay{Hour: 15, Minute: 0}}, at(3, 14, 0), at(3, 18, 0), at(3, 15, 0), true},
		{"off", QuietHours{}, at(3, 3, 0), at(3, 10, 0), at(3, 3, 0), false},
	}
	for _, c := range cases {
		got, moved := c.q.Adjust(c.t, c.event, loc)
		if !got.Equal(c.want) || moved != c.wantMoved {
			t.Errorf("%s: Adjust(%s) = %s moved %v, want %s moved %v", c.name, c.t.Format("02 15:04"), got.In(loc).Format("02 15:04"),
				moved, c.want.Format("02 15:04"), c.wantMoved)
		}
	}
	// Across the spring change the night still ends at 08:00 on the wall clock.
	spring := time.Date(2026, 3, 29, 4, 0, 0, 0, loc)
	if got, _ := night.Adjust(spring, time.Time{}, loc); got.In(loc).Hour() != 8 || got.In(loc).Day() != 29 {
		t.Errorf("quiet hours on the night of the change end at %s", got.In(loc))
	}
}
