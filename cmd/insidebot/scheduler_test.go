package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func TestSchedulerConfigNamesTheWrongVariable(t *testing.T) {
	cases := []struct{ name, value string }{
		{"REMINDER_OFFSETS", "soon"},
		{"REMINDER_OFFSETS", "24h,-2h"},
		{"REMINDER_OFFSETS", "24h,24h"},
		{"QUIET_HOURS", "21-8"},
		{"QUIET_HOURS", "21:00-21:00"},
		{"DIGEST_TIME", "8h30"},
		{"DIGEST_TIME", "25:00"},
		{"OVERDUE_ALERT_DAYS", "three"},
		{"OVERDUE_ALERT_DAYS", "0"},
		{"SCHEDULER_INTERVAL", "1ms"},
		{"SCHEDULER_INTERVAL", "often"},
		{"MESSAGE_RETENTION", "30 days"},
		{"MESSAGE_RETENTION", "10m"},
	}
	for _, c := range cases {
		_, err := loadConfig(envOf(map[string]string{c.name: c.value}))
		if err == nil || !strings.HasPrefix(err.Error(), c.name+"=") {
			t.Errorf("%s=%q: error %v, want one naming %s", c.name, c.value, err, c.name)
		}
	}
	cfg, err := loadConfig(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	sc := cfg.schedulerConfig()
	if !slices.Equal(sc.Offsets, []time.Duration{24 * time.Hour, 2 * time.Hour}) || sc.Quiet.String() != "21:00-08:00" ||
		sc.DigestAt.String() != "08:30" || sc.OverdueDays != 3 || sc.Interval != 10*time.Second || sc.Location.String() != "Europe/Rome" ||
		sc.MessageRetention != 720*time.Hour {
		t.Fatalf("defaults = %+v", sc)
	}
	// What an end-to-end test sets: a reminder seconds before a session, any time of day.
	cfg, err = loadConfig(envOf(map[string]string{"REMINDER_OFFSETS": "5s", "QUIET_HOURS": "off", "SCHEDULER_INTERVAL": "200ms"}))
	if err != nil {
		t.Fatal(err)
	}
	if sc := cfg.schedulerConfig(); !slices.Equal(sc.Offsets, []time.Duration{5 * time.Second}) || sc.Quiet.Enabled || sc.Interval != 200*time.Millisecond {
		t.Fatalf("e2e settings = %+v", sc)
	}
}

// TestReadinessDoesNotWaitForTheScheduler: with the scheduler stuck on a locked reminders
// table, /readyz still answers at once; the scheduler catches up when the lock goes.
func TestReadinessDoesNotWaitForTheScheduler(t *testing.T) {
	_, dbURL := storagetest.Postgres(t)
	cfg, err := loadConfig(envOf(map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": storagetest.RedisURL(),
		"REDIS_PREFIX": "test-sched-" + time.Now().Format("150405.000000") + ":", "SCHEDULER_INTERVAL": "100ms"}))
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(context.Background(), cfg, slog.New(slog.DiscardHandler), false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	var sched *runner
	for i := range a.runners {
		if a.runners[i].name == "scheduler" {
			sched = &a.runners[i]
		}
	}
	if sched == nil {
		t.Fatal("no scheduler among the background loops")
	}
	srv := httptest.NewServer(a.mux)
	defer srv.Close()

	ctx := context.Background()
	blocker, err := storage.Open(ctx, dbURL, "")
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Close()
	locked := make(chan struct{})
	release := make(chan struct{})
	lockDone := make(chan error, 1)
	go func() {
		lockDone <- blocker.InTx(ctx, func(tx *storage.Tx) error {
			if _, err := tx.Exec(ctx, `LOCK TABLE reminders IN ACCESS EXCLUSIVE MODE`); err != nil {
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { _ = sched.run(runCtx) }()
	// Wait until the scheduler's first pass is stuck on the lock.
	for waitUntil := time.Now().Add(10 * time.Second); ; {
		var waiting int
		if err := blocker.Get(ctx, &waiting, `SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'
AND query ILIKE '%reminders%' AND datname = current_database()`); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if time.Now().After(waitUntil) {
			t.Fatal("the scheduler never reached the reminders table")
		}
		time.Sleep(20 * time.Millisecond)
	}

	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(srv.URL + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz while the scheduler waits: %v %v", resp, err)
	}
	resp.Body.Close()
	close(release)
	if err := <-lockDone; err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := a.db.Get(ctx, &n, `SELECT COUNT(*) FROM reminders WHERE kind = 'housekeeping' AND status = 'sent'`); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the scheduler did not catch up after the lock went")
		}
		time.Sleep(50 * time.Millisecond)
	}
	msrv := httptest.NewServer(a.metricsMux) // METRICS_ADDR
	defer msrv.Close()
	resp, err = client.Get(msrv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{"insidebot_reminders_due_total", "insidebot_reminders_sent_total", "insidebot_reminders_deferred_total"} {
		if !strings.Contains(string(body), m) {
			t.Errorf("/metrics lacks %s", m)
		}
	}
}
