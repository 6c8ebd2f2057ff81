package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// testMediaKey is a MEDIA_KEY as openssl rand -hex 32 makes one.
const testMediaKey = "5b8e2f1c9a7d3e4b6c0f1a2d8e9b7c3a4f6e1d2c5b8a9e0f3d7c6b1a2e4f8d9c"

func TestMediaAndTranslationConfig(t *testing.T) {
	cfg, err := loadConfig(envOf(map[string]string{"MEDIA_KEY": testMediaKey, "TRANSLATE_URL": "http://libretranslate:5000/",
		"TRANSLATE_API_KEY": "lt-secret-key"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TranslateURL != "http://libretranslate:5000" || cfg.TranslateAPIKey != "lt-secret-key" {
		t.Fatalf("config %q %q", cfg.TranslateURL, cfg.TranslateAPIKey)
	}
	secrets := strings.Join(cfg.Secrets(), " ")
	if !strings.Contains(secrets, testMediaKey) || !strings.Contains(secrets, "lt-secret-key") {
		t.Fatal("MEDIA_KEY and TRANSLATE_API_KEY are not scrubbed from logs")
	}
	if k, random, err := cfg.mediaKey(); err != nil || random || len(k) != 32 {
		t.Fatalf("key from MEDIA_KEY: %v %v", random, err)
	}
	for name, env := range map[string]map[string]string{
		"MEDIA_KEY":         {"MEDIA_KEY": testMediaKey[:40]},
		"TRANSLATE_URL":     {"TRANSLATE_URL": "libretranslate:5000"},
		"TRANSLATE_API_KEY": {"TRANSLATE_API_KEY": "k"},
	} {
		_, err := loadConfig(envOf(env))
		if err == nil || !strings.HasPrefix(err.Error(), name) {
			t.Errorf("%v: %v", env, err)
		}
		if err != nil && strings.Contains(err.Error(), testMediaKey[:40]) {
			t.Errorf("the error shows the key: %v", err)
		}
	}
	// Without MEDIA_KEY the other commands work; serve (not --demo) refuses to start, naming it.
	cfg, err = loadConfig(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, random, err := cfg.mediaKey(); err != nil || !random {
		t.Fatalf("no MEDIA_KEY: a key of the process (%v)", err)
	}
	var stderr bytes.Buffer
	err = run(context.Background(), []string{"serve"}, envOf(map[string]string{"PRIVACY_CONTACT": "privacy@example.org"}), &bytes.Buffer{}, &stderr)
	if err == nil || !strings.Contains(err.Error(), "MEDIA_KEY") || !strings.Contains(err.Error(), "openssl rand -hex 32") {
		t.Fatalf("serve without MEDIA_KEY: %v", err)
	}
}
