package scheduler

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/domain/reminders"
)

// Config is how the scheduler times its work. Start from DefaultConfig and change what the
// environment sets; a nil Location, nil Offsets or a zero duration or count takes the default
// (an empty, non-nil Offsets means no session reminders; a zero Quiet means no quiet hours).
type Config struct {
	// Location is BOT_TIMEZONE: every wall-clock rule (offsets of whole days, quiet hours,
	// 09:00 the day before a step is due, the digest time) is read in it.
	Location *time.Location
	// Offsets are REMINDER_OFFSETS: how long before a lab session each reminder goes.
	Offsets []time.Duration
	// Quiet is QUIET_HOURS.
	Quiet reminders.QuietHours
	// DigestAt is DIGEST_TIME: when tutors' digests go, Monday to Friday.
	DigestAt civil.TimeOfDay
	// OverdueDays is OVERDUE_ALERT_DAYS: how many days after a step's due date its tutor is
	// alerted.
	OverdueDays int
	// StepReminderAt is the time of day, the day before a step is due, of its reminder.
	StepReminderAt civil.TimeOfDay
	// InactiveAfter is how long a beneficiary's silence lasts before a check-in.
	InactiveAfter time.Duration
	// Interval is SCHEDULER_INTERVAL: how often the scheduler looks for due work.
	Interval time.Duration
	// ProcessedRetention is how long inbound update ids are kept against redelivery.
	ProcessedRetention time.Duration
	// MessageRetention is MESSAGE_RETENTION: how long delivered messages and the web chat's
	// history are kept.
	MessageRetention time.Duration
}

// DefaultConfig is the configuration when no variable is set (times in Europe/Rome).
func DefaultConfig() Config {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		rome = time.UTC
	}
	return Config{
		Location:           rome,
		Offsets:            []time.Duration{24 * time.Hour, 2 * time.Hour},
		Quiet:              reminders.QuietHours{Enabled: true, Start: civil.TimeOfDay{Hour: 21}, End: civil.TimeOfDay{Hour: 8}},
		DigestAt:           civil.TimeOfDay{Hour: 8, Minute: 30},
		OverdueDays:        3,
		StepReminderAt:     civil.TimeOfDay{Hour: 9},
		InactiveAfter:      14 * day,
		Interval:           10 * time.Second,
		ProcessedRetention: 7 * day,
		MessageRetention:   30 * day,
	}
}

// day is a calendar day.
const day = reminders.Day

// NewPlanner builds the reminder planner of this configuration (its zero fields take the
// defaults).
func NewPlanner(cfg Config) *reminders.Planner {
	c := cfg.withDefaults()
	return reminders.New(reminders.Config{Location: c.Location, Offsets: c.Offsets, Quiet: c.Quiet,
		OverdueDays: c.OverdueDays, StepReminderAt: c.StepReminderAt})
}

// withDefaults fills the fields left zero.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Location == nil {
		c.Location = d.Location
	}
	if c.Offsets == nil {
		c.Offsets = d.Offsets
	}
	if c.OverdueDays == 0 {
		c.OverdueDays = d.OverdueDays
	}
	if c.StepReminderAt == (civil.TimeOfDay{}) {
		c.StepReminderAt = d.StepReminderAt
	}
	if c.InactiveAfter == 0 {
		c.InactiveAfter = d.InactiveAfter
	}
	if c.Interval == 0 {
		c.Interval = d.Interval
	}
	if c.ProcessedRetention == 0 {
		c.ProcessedRetention = d.ProcessedRetention
	}
	if c.MessageRetention == 0 {
		c.MessageRetention = d.MessageRetention
	}
	return c
}

// maxOffset is the longest reminder offset.
func (c Config) maxOffset() time.Duration {
	var m time.Duration
	for _, o := range c.Offsets {
		m = max(m, o)
	}
	return m
}

// Limits of REMINDER_OFFSETS.
const (
	minOffset     = time.Second
	maxOffsetSpan = 60 * day
)

// ParseOffsets reads REMINDER_OFFSETS: comma-separated durations such as "24h,2h", "2d,3h30m"
// or "5s" (a d suffix is whole days); "none" for no session reminders. The result is sorted
// longest first, without duplicates.
func ParseOffsets(s string) ([]time.Duration, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "none") {
		return []time.Duration{}, nil
	}
	var out []time.Duration
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		d, err := parseOffset(part)
		if err != nil {
			return nil, err
		}
		if d < minOffset || d > maxOffsetSpan {
			return nil, fmt.Errorf("offset %q: must be between 1s and 60d", part)
		}
		if slices.Contains(out, d) {
			return nil, fmt.Errorf("offset %q appears twice", part)
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b time.Duration) int { return int((b - a) / time.Second) })
	return out, nil
}

func parseOffset(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 {
			return 0, fmt.Errorf("offset %q: not a number of days", s)
		}
		return time.Duration(days) * day, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("offset %q: not a duration", s)
	}
	return d, nil
}

// ErrQuietHours is a QUIET_HOURS value that does not parse.
var ErrQuietHours = errors.New("not HH:MM-HH:MM or off")

// ParseQuietHours reads QUIET_HOURS: "21:00-08:00" (a window that may wrap past midnight), or
// "off".
func ParseQuietHours(s string) (reminders.QuietHours, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "off") || strings.EqualFold(s, "none") {
		return reminders.QuietHours{}, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return reminders.QuietHours{}, ErrQuietHours
	}
	start, err1 := civil.ParseTimeOfDay(a)
	end, err2 := civil.ParseTimeOfDay(b)
	if err1 != nil || err2 != nil {
		return reminders.QuietHours{}, ErrQuietHours
	}
	if start == end {
		return reminders.QuietHours{}, errors.New("start and end are the same time")
	}
	return reminders.QuietHours{Enabled: true, Start: start, End: end}, nil
}
