package scheduler_test

import (
	"context"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// BenchmarkReminderPass measures one scheduler pass that sends the day-before reminders of a
// session with 200 enrolled people, on PostgreSQL: each reminder locked, checked, rendered,
// queued and finished in its own transaction. make bench prints reminders/s.
func BenchmarkReminderPass(b *testing.B) {
	const people = 200
	f := newFixture(b)
	var bs []storage.Beneficiary
	for range people {
		p, _ := f.person("en")
		bs = append(bs, p)
	}
	// The tutor's digest and the day's housekeeping are done before timing.
	f.setClock(f.at(2025, 12, 1, 10, 0))
	f.tick()
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		f.setClock(f.at(2025, 12, 1, 10, 0).Add(time.Duration(i) * time.Minute))
		start := f.h.Clock.Now().Add(24 * time.Hour).Add(time.Hour)
		s := f.session(start, "")
		f.enrol(s, bs...)
		f.setClock(start.Add(-24 * time.Hour))
		b.StartTimer()
		t0 := time.Now()
		if _, err := f.s.Tick(context.Background()); err != nil {
			b.Fatal(err)
		}
		total += time.Since(t0)
	}
	b.ReportMetric(float64(b.N*people)/total.Seconds(), "reminders/s")
	if got := f.outboxCount("reminder"); got != b.N*people {
		b.Fatalf("%d reminders queued, want %d", got, b.N*people)
	}
}
