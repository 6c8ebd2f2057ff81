package flows

import "testing"

func TestParseArea(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"casa": "housing", "Lavoro": "work", "psych": "psych", "documenti": "documents", "sociale": "social"} {
		if got, ok := ParseArea(in); !ok || got != want {
			t.Errorf("ParseArea(%q) = %q", in, got)
		}
	}
	if _, ok := ParseArea("cucina"); ok {
		t.Error("unknown area accepted")
	}
}
