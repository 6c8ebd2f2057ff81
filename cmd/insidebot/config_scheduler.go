package main

import (
	"strconv"
	"time"

	"github.com/insideaut/insidebot/bot/scheduler"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/domain/reminders"
)

// SchedulerConfig is the scheduler's part of the configuration.
type SchedulerConfig struct {
	Offsets     []time.Duration      // REMINDER_OFFSETS
	Quiet       reminders.QuietHours // QUIET_HOURS
	DigestAt    civil.TimeOfDay      // DIGEST_TIME
	OverdueDays int                  // OVERDUE_ALERT_DAYS
	Interval    time.Duration        // SCHEDULER_INTERVAL
	// MessageRetention is MESSAGE_RETENTION: how long delivered messages and the web chat's
	// history are kept.
	MessageRetention time.Duration
}

// loadSchedulerConfig reads and checks the scheduler's variables.
func loadSchedulerConfig(get func(name, def string) string) (SchedulerConfig, error) {
	var c SchedulerConfig
	var err error
	offsets := get("REMINDER_OFFSETS", "24h,2h")
	if c.Offsets, err = scheduler.ParseOffsets(offsets); err != nil {
		return c, configError{name: "REMINDER_OFFSETS", expect: "comma-separated durations between 1s and 60d, such as 24h,2h or 2d,90m or 5s (" + err.Error() + "), or none", got: offsets}
	}
	quiet := get("QUIET_HOURS", "21:00-08:00")
	if c.Quiet, err = scheduler.ParseQuietHours(quiet); err != nil {
		return c, configError{name: "QUIET_HOURS", expect: "HH:MM-HH:MM, such as 21:00-08:00, or off (" + err.Error() + ")", got: quiet}
	}
	digest := get("DIGEST_TIME", "08:30")
	if c.DigestAt, err = civil.ParseTimeOfDay(digest); err != nil {
		return c, configError{name: "DIGEST_TIME", expect: "a time of day HH:MM, such as 08:30", got: digest}
	}
	days := get("OVERDUE_ALERT_DAYS", "3")
	if c.OverdueDays, err = strconv.Atoi(days); err != nil || c.OverdueDays < 1 || c.OverdueDays > 90 {
		return c, configError{name: "OVERDUE_ALERT_DAYS", expect: "a whole number of days from 1 to 90", got: days}
	}
	interval := get("SCHEDULER_INTERVAL", "10s")
	if c.Interval, err = time.ParseDuration(interval); err != nil || c.Interval < 100*time.Millisecond || c.Interval > 10*time.Minute {
		return c, configError{name: "SCHEDULER_INTERVAL", expect: "a duration from 100ms to 10m, such as 10s", got: interval}
	}
	retention := get("MESSAGE_RETENTION", "720h")
	if c.MessageRetention, err = time.ParseDuration(retention); err != nil || c.MessageRetention < time.Hour {
		return c, configError{name: "MESSAGE_RETENTION", expect: "a duration of an hour or more, such as 720h (30 days)", got: retention}
	}
	return c, nil
}

// schedulerConfig is the scheduler's configuration in the bot's time zone.
func (c Config) schedulerConfig() scheduler.Config {
	sc := scheduler.DefaultConfig()
	sc.Location = c.Timezone
	sc.Offsets = c.Scheduler.Offsets
	sc.Quiet = c.Scheduler.Quiet
	sc.DigestAt = c.Scheduler.DigestAt
	sc.OverdueDays = c.Scheduler.OverdueDays
	sc.Interval = c.Scheduler.Interval
	sc.MessageRetention = c.Scheduler.MessageRetention
	return sc
}
