package scheduler

import (
	"slices"
	"testing"
	"time"

	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/domain/reminders"
)

func TestParseOffsets(t *testing.T) {
	good := map[string][]time.Duration{
		"24h,2h":     {24 * time.Hour, 2 * time.Hour},
		" 2h , 24h ": {24 * time.Hour, 2 * time.Hour},
		"2d,90m":     {48 * time.Hour, 90 * time.Minute},
		"5s":         {5 * time.Second},
		"none":       {},
	}
	for in, want := range good {
		got, err := ParseOffsets(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseOffsets(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "soon", "24h,", "0s", "-2h", "24h,1d", "61d", "1d2h", "500ms"} {
		if got, err := ParseOffsets(bad); err == nil {
			t.Errorf("ParseOffsets(%q) = %v, want an error", bad, got)
		}
	}
	for d, want := range map[time.Duration]string{24 * time.Hour: "24h", 90 * time.Minute: "1h30m", 5 * time.Second: "5s",
		10 * time.Second: "10s", 10 * time.Minute: "10m", 48 * time.Hour: "48h"} {
		if got := reminders.FormatOffset(d); got != want {
			t.Errorf("reminders.FormatOffset(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestParseQuietHours(t *testing.T) {
	q, err := ParseQuietHours("21:00-08:00")
	if err != nil || q != (reminders.QuietHours{Enabled: true, Start: civil.TimeOfDay{Hour: 21, Minute: 0}, End: civil.TimeOfDay{Hour: 8, Minute: 0}}) || q.String() != "21:00-08:00" {
		t.Errorf("21:00-08:00 = %+v, %v", q, err)
	}
	if q, err := ParseQuietHours("off"); err != nil || q.Enabled {
		t.Errorf("off = %+v, %v", q, err)
	}
	for _, bad := range []string{"", "21-8", "21:00", "21:00-21:00", "25:00-08:00", "night"} {
		if q, err := ParseQuietHours(bad); err == nil {
			t.Errorf("ParseQuietHours(%q) = %+v, want an error", bad, q)
		}
	}
}
