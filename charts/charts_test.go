package charts

import (
	"bytes"
	"encoding/xml"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var (
	done     = color.RGBA{R: 0x00, G: 0x9E, B: 0x73, A: 0xFF}
	progress = color.RGBA{R: 0x56, G: 0xB4, B: 0xE9, A: 0xFF}
	todo     = color.RGBA{R: 0xBB, G: 0xBB, B: 0xBB, A: 0xFF}
	blocked  = color.RGBA{R: 0xD5, G: 0x5E, B: 0x00, A: 0xFF}
)

func sample() Stacked {
	row := func(name string, d, p, t, b int) Row {
		return Row{Label: name, Parts: []Part{{"Done", d, done}, {"In progress", p, progress}, {"To do", t, todo}, {"Blocked", b, blocked}}}
	}
	return Stacked{Title: "Plan steps by area and status: Milano (Lombardia, MI)", Rows: []Row{
		row("Housing", 12, 7, 20, 3), row("Work", 30, 2, 5, 0), row("Psychological support", 1, 0, 0, 0),
		row("Social", 0, 0, 0, 0), row("Documents", 140, 12, 9, 1),
	}}
}

// The PNG is drawn for a phone: 1,080 pixels wide (360 points at 3 pixels each), taller than a
// third of its width, and keeps its size whatever the figures.
func TestPNGIsPhoneSized(t *testing.T) {
	data, err := sample().PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != 1080 || b.Dy() < 360 || b.Dy() > 2000 {
		t.Fatalf("chart is %dx%d, want 1080 wide and a phone screen's height", b.Dx(), b.Dy())
	}
	if dir := os.Getenv("CHART_OUT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "stats-phone.png"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The SVG is a well-formed document that writes each row's name with its total and each part's
// value that fits on its bar.
func TestSVGWritesNamesTotalsAndValues(t *testing.T) {
	data, err := sample().SVG()
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var texts []string
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if cd, ok := tok.(xml.CharData); ok && strings.TrimSpace(string(cd)) != "" {
			texts = append(texts, strings.TrimSpace(string(cd)))
		}
	}
	all := strings.Join(texts, "|")
	for _, want := range []string{"Housing · 42", "Work · 37", "Social · 0", "Documents · 162", "140", "Blocked", "In progress", "In progress 7"} {
		if !strings.Contains(all, want) {
			t.Errorf("the chart does not write %q: %s", want, all)
		}
	}
	if dir := os.Getenv("CHART_OUT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "stats-phone.svg"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A long title wraps instead of running off the picture.
func TestLongTitleWraps(t *testing.T) {
	f := newFonts()
	lines := wrap(f.title, "Plan steps by area and status: every territory of the project together", phoneWidth-2*margin)
	if len(lines) < 2 {
		t.Fatalf("title on %d line", len(lines))
	}
	for _, l := range lines {
		if f.title.Width(l) > phoneWidth-2*margin {
			t.Errorf("line %q is wider than the chart", l)
		}
	}
}
