package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// get answers a GET, waiting for the server to listen.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", url, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// /metrics is served on METRICS_ADDR only: the public listener (HTTP_ADDR, behind the reverse
// proxy) answers 404 for it.
func TestMetricsOnlyOnTheirOwnAddress(t *testing.T) {
	_, dbURL := storagetest.Postgres(t)
	httpAddr, metricsAddr := freeAddr(t), freeAddr(t)
	cfg, err := loadConfig(envOf(map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": storagetest.RedisURL(), "REDIS_PREFIX": "test-metrics:",
		"HTTP_ADDR": httpAddr, "METRICS_ADDR": metricsAddr}))
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(context.Background(), cfg, slog.New(slog.DiscardHandler), false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.serve(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	if code, _ := get(t, "http://"+httpAddr+"/healthz"); code != http.StatusOK {
		t.Fatalf("healthz %d", code)
	}
	if code, _ := get(t, "http://"+httpAddr+"/metrics"); code != http.StatusNotFound {
		t.Fatalf("/metrics on HTTP_ADDR answered %d, want 404", code)
	}
	code, body := get(t, "http://"+metricsAddr+"/metrics")
	if code != http.StatusOK || !strings.Contains(body, "go_goroutines") {
		t.Fatalf("/metrics on METRICS_ADDR: %d", code)
	}
	if code, _ := get(t, "http://"+metricsAddr+"/healthz"); code != http.StatusNotFound {
		t.Fatalf("the metrics listener serves more than /metrics: %d", code)
	}
}

// /metrics shows the project's health, not only the process's: beneficiaries by territory and
// status, open alerts, pending reminders.
func TestMetricsCarryTheProjectsFigures(t *testing.T) {
	db, dbURL := storagetest.Postgres(t)
	ctx := context.Background()
	now := time.Now()
	tutor, err := storage.CreateStaff(ctx, db, storage.NewStaff{Role: storage.RoleTutor, Territory: "MI"}, now)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", Lang: "en", TutorID: tutor}, now)
	_, _ = storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "BO", Lang: "fr"}, now)
	_, _ = storage.CreateAlert(ctx, db, tutor, b.ID, "help", 0, now)
	_ = storage.PlanReminder(ctx, db, storage.NewReminder{Kind: "test", TargetKey: "x", BeneficiaryID: b.ID, DueAt: now.Add(time.Hour)}, now)

	cfg, err := loadConfig(envOf(map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": storagetest.RedisURL(), "REDIS_PREFIX": "test-gauges:"}))
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(ctx, cfg, slog.New(slog.DiscardHandler), false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	a.gauges.refresh(ctx)
	srv := httptest.NewServer(a.metricsMux)
	defer srv.Close()
	_, body := get(t, srv.URL+"/metrics")
	for _, want := range []string{
		`insidebot_beneficiaries{status="invited",territory="MI"} 1`,
		`insidebot_beneficiaries{status="invited",territory="BO"} 1`,
		`insidebot_alerts_open{kind="help"} 1`,
		`insidebot_reminders_pending 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
