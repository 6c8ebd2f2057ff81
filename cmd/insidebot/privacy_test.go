package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// The /privacy page names the data controller and the contact in every language.
func TestPrivacyPageNamesTheControllerAndTheContact(t *testing.T) {
	_, dbURL := storagetest.Postgres(t)
	cfg, err := loadConfig(envOf(map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": storagetest.RedisURL(), "REDIS_PREFIX": "test-privacy-controller:",
		"PRIVACY_CONTROLLER": "Cooperativa Esempio ETS", "PRIVACY_CONTACT": "privacy@esempio.example"}))
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(context.Background(), cfg, slog.New(slog.DiscardHandler), false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	srv := httptest.NewServer(a.mux)
	defer srv.Close()
	for _, lang := range locales.Languages() {
		resp, err := http.Get(srv.URL + "/privacy?lang=" + lang.Code)
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		_, _ = body.ReadFrom(resp.Body)
		resp.Body.Close()
		for _, want := range []string{"Cooperativa Esempio ETS", "privacy@esempio.example"} {
			if !strings.Contains(body.String(), want) {
				t.Errorf("%s: the page does not name %q", lang.Code, want)
			}
		}
	}
	// What the English page says is true: staff see names, plans hold psychological support.
	resp, err := http.Get(srv.URL + "/privacy?lang=en")
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"see your name and code", "Your plan may include psychological support", "never keeps clinical notes"} {
		if !strings.Contains(body.String(), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, untrue := range []string{"by your code and not by your phone number", "information about your health", "Messages are not kept after"} {
		if strings.Contains(body.String(), untrue) {
			t.Errorf("the page still says %q", untrue)
		}
	}
}

// serve refuses to start without a privacy contact, naming the variable; the demo does not.
func TestServeRefusesAnEmptyPrivacyContact(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve"}, envOf(map[string]string{"DATA_DIR": t.TempDir(), "HTTP_ADDR": "127.0.0.1:0"}), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "PRIVACY_CONTACT") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("serve without PRIVACY_CONTACT: %v", err)
	}
	cfg, err := loadConfig(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Privacy.checkServe(true); err != nil {
		t.Fatalf("the demo needs no contact: %v", err)
	}
	if _, err := loadConfig(envOf(map[string]string{"PRIVACY_CONTACT": "a\nb"})); err == nil || !strings.HasPrefix(err.Error(), "PRIVACY_CONTACT") {
		t.Fatalf("a contact on two lines: %v", err)
	}
	if cfg.Privacy.Controller == "" {
		t.Fatal("no default data controller")
	}
}
