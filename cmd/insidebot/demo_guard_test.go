package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/storage/storagetest"
)

// serve --demo on a database that holds real people stops at start with one clear line.
func TestServeDemoRefusesARealDatabase(t *testing.T) {
	_, dbURL := storagetest.Postgres(t)
	vars := map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": storagetest.RedisURL(), "REDIS_PREFIX": "test-demo-guard-" + t.Name() + ":",
		"HTTP_ADDR": "127.0.0.1:0"}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"invite", "--role", "coordinator", "--territory", "MI", "--json"}, envOf(vars), &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	err := run(context.Background(), []string{"serve", "--demo"}, envOf(vars), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "serve --demo refuses this database: it holds real people (1 staff") ||
		strings.Contains(err.Error(), "\n") {
		t.Fatalf("serve --demo on a real database: %v", err)
	}
}
