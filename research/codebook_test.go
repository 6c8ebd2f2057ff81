package research

import (
	"slices"
	"testing"
)

// TestCodebookNamesEveryColumn: the codebook explains exactly the people table's columns, in order.
func TestCodebookNamesEveryColumn(t *testing.T) {
	var cols []string
	for _, r := range Codebook() {
		if r[1] == "" || r[2] == "" {
			t.Errorf("column %s is not explained", r[0])
		}
		cols = append(cols, r[0])
	}
	if !slices.Equal(cols, PeopleColumns()) {
		t.Fatalf("codebook %v\ncolumns %v", cols, PeopleColumns())
	}
}
