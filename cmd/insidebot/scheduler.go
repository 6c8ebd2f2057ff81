package main

import (
	"github.com/insideaut/insidebot/bot/scheduler"
)

// addScheduler wires the scheduler: reminders, digests, scheduled broadcasts and housekeeping,
// run once across replicas. It runs as a background loop, off the HTTP path.
func (a *app) addScheduler() {
	s := scheduler.New(scheduler.Deps{DB: a.db, Domain: a.engine.Domain(), Broadcasts: a.engine.Domain(), Clock: a.clock,
		Log: a.log.With("component", "scheduler"), Metrics: a.metrics, Config: a.cfg.schedulerConfig(), Media: a.media,
		Wake: func() {
			if a.wake != nil {
				a.wake()
			}
		}})
	a.runners = append(a.runners, runner{name: "scheduler", run: s.Run})
}
