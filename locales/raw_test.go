package locales_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// rawMessages reads every locale file as plain TOML: language -> message id (plural forms as
// id#form) -> text.
func rawMessages(t *testing.T) map[string]map[string]string {
	t.Helper()
	files, err := filepath.Glob("active.*.toml")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, f := range files {
		lang := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "active."), ".toml")
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var tree map[string]any
		if _, err := toml.Decode(string(data), &tree); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[lang] = map[string]string{}
		flatten("", tree, out[lang])
	}
	return out
}

var pluralForms = map[string]bool{"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true}

func flatten(prefix string, v any, out map[string]string) {
	m, ok := v.(map[string]any)
	if !ok {
		out[prefix] = v.(string)
		return
	}
	plural := len(m) > 0
	for k := range m {
		if !pluralForms[k] && k != "description" {
			plural = false
		}
	}
	for k, child := range m {
		id := k
		if prefix != "" {
			id = prefix + "." + k
			if plural {
				id = prefix + "#" + k
			}
		}
		flatten(id, child, out)
	}
}
