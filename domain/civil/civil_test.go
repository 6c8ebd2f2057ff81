package civil

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	good := map[string]string{"03/12/2026": "2026-12-03", "3/12/2026": "2026-12-03", "2026-12-03": "2026-12-03",
		"03.12.2026": "2026-12-03", " 29/02/2028 ": "2028-02-29"}
	for in, want := range good {
		if got, err := ParseDate(in); err != nil || got != want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "tomorrow", "31/02/2026", "29/02/2027", "12/2026", "2026/13/01", "1/1/26", "03/12/1999"} {
		if got, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %q, want an error", in, got)
		}
	}
}

func TestParseClockAndAtAcrossDST(t *testing.T) {
	for in, want := range map[string][2]int{"10:00": {10, 0}, "9:30": {9, 30}, "18.45": {18, 45}} {
		h, m, err := ParseClock(in)
		if err != nil || h != want[0] || m != want[1] {
			t.Errorf("ParseClock(%q) = %d:%d %v", in, h, m, err)
		}
	}
	for _, in := range []string{"25:00", "10", "10:7", "ten"} {
		if _, _, err := ParseClock(in); err == nil {
			t.Errorf("ParseClock(%q) accepted", in)
		}
	}
	rome, _ := time.LoadLocation("Europe/Rome")
	// 10:00 on the Sunday clocks go forward and the Monday after are both 10:00 in Rome.
	for _, d := range []string{"2026-03-28", "2026-03-29", "2026-03-30", "2026-10-25"} {
		at, err := At(d, 10, 0, rome)
		if err != nil || at.In(rome).Hour() != 10 {
			t.Errorf("At(%s 10:00) = %v", d, at.In(rome))
		}
	}
	if Today(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), rome) != "2027-01-01" {
		t.Error("Today ignores the time zone")
	}
}
