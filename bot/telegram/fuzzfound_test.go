package telegram

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// Updates the fuzzer (FuzzWebhookUpdate) and hostile testing found answered with the apology
// for a failure, or that a database would refuse (fixtures under testdata/fuzzed/): each is
// answered 200 and handled without a failure.
func TestFuzzedUpdates(t *testing.T) {
	e := newFuzzEnv(t)
	files, err := filepath.Glob(filepath.Join("testdata", "fuzzed", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatal("no fixtures", err)
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			body, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			before := e.h.Failed()
			if code := postUpdate(t, e.hook, testSecret, body); code != http.StatusOK {
				t.Fatalf("answered %d", code)
			}
			if e.h.Failed() != before {
				t.Fatal("the update failed in the journeys: the person got the apology")
			}
		})
	}
}
