package figures

import "testing"

func TestTargets(t *testing.T) {
	nine := []string{"AN", "AV", "BO", "FG", "MI", "PG", "RG", "SO", "VA"}
	d, err := ParseTargets("", "")
	if err != nil {
		t.Fatal(err)
	}
	got, sum := d.For(nine), 0
	for _, n := range got {
		sum += n
	}
	if sum != 100 || got["AN"] != 12 || got["VA"] != 11 {
		t.Fatalf("default split %v (sum %d)", got, sum)
	}
	s, err := ParseTargets("90", "mi=20, BO=6")
	if err != nil {
		t.Fatal(err)
	}
	got = s.For(nine)
	if got["MI"] != 20 || got["BO"] != 6 || got["AN"] != 10 || got["VA"] != 9 {
		t.Fatalf("set split %v", got)
	}
	for _, bad := range [][2]string{{"0", ""}, {"x", ""}, {"", "MI"}, {"", "MI=-1"}, {"10", "MI=11"}} {
		if _, err := ParseTargets(bad[0], bad[1]); err == nil {
			t.Errorf("%q %q accepted", bad[0], bad[1])
		}
	}
}
