// Package charts draws the project's figures as pictures that read on a phone first: one
// horizontal bar per row with its name and total above it in large type, and each part's value
// written on the bar. The same drawing gives a PNG (for a chat) and an SVG (for the desk).
//
// The drawing uses the plotting library's built-in Liberation fonts, which carry Latin letters
// only: a caller whose reader uses another script gives labels in a Latin-script language.
package charts

import (
	"bytes"
	"fmt"
	"image/color"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Part is one coloured piece of a bar: a status and how many.
type Part struct {
	Label  string
	Value  int
	Colour color.RGBA
}

// Row is one bar: a name and its parts, in the order they are drawn (left to right).
type Row struct {
	Label string
	Parts []Part
}

// Total is the sum of the row's parts.
func (r Row) Total() int {
	n := 0
	for _, p := range r.Parts {
		n += p.Value
	}
	return n
}

// Stacked is a chart of stacked horizontal bars. The legend is taken from the first row's
// parts (every row is expected to carry the same parts in the same order).
type Stacked struct {
	Title string
	Rows  []Row
}

// Sizes, in points: the canvas is phoneWidth wide, drawn at 3 pixels a point, so a phone that
// shows the PNG at its screen's width (about 360 CSS pixels) shows the type at these sizes.
const (
	phoneWidth  = vg.Length(360)
	pixelsPerPt = 3
	margin      = vg.Length(14)
	titleSize   = vg.Length(19)
	labelSize   = vg.Length(16)
	valueSize   = vg.Length(15)
	legendSize  = vg.Length(14)
	barHeight   = vg.Length(30)
	rowGap      = vg.Length(14)
	lineGap     = vg.Length(5)
)

// fonts are the faces a chart is written in.
type fonts struct {
	title, label, bold, value, legend *font.Face
}

func newFonts() fonts {
	cache := font.NewCache(liberation.Collection())
	sans := func(size vg.Length, w xfont.Weight) *font.Face {
		f := cache.Lookup(font.Font{Typeface: "Liberation", Variant: "Sans", Weight: w}, size)
		return &f
	}
	return fonts{
		title:  sans(titleSize, xfont.WeightBold),
		label:  sans(labelSize, xfont.WeightNormal),
		bold:   sans(labelSize, xfont.WeightBold),
		value:  sans(valueSize, xfont.WeightBold),
		legend: sans(legendSize, xfont.WeightNormal),
	}
}

// PNG draws the chart as a PNG 1,080 pixels wide.
func (s Stacked) PNG() ([]byte, error) {
	f := newFonts()
	h := s.height(f)
	c := vgimg.NewWith(vgimg.UseWH(phoneWidth, h), vgimg.UseDPI(72*pixelsPerPt), vgimg.UseBackgroundColor(color.White))
	s.draw(draw.New(c), f)
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart png: %w", err)
	}
	return buf.Bytes(), nil
}

// SVG draws the chart as an SVG document that scales to its container's width.
func (s Stacked) SVG() ([]byte, error) {
	f := newFonts()
	h := s.height(f)
	c := vgsvg.NewWith(vgsvg.UseWH(phoneWidth, h))
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(rect(0, 0, phoneWidth, h))
	s.draw(dc, f)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart svg: %w", err)
	}
	return buf.Bytes(), nil
}

// height is the canvas height the chart needs at phoneWidth.
func (s Stacked) height(f fonts) vg.Length {
	inner := phoneWidth - 2*margin
	h := margin
	h += vg.Length(len(wrap(f.title, s.Title, inner))) * lineHeight(f.title)
	h += rowGap
	h += vg.Length(len(s.legendLines(f, inner))) * (lineHeight(f.legend) + lineGap)
	h += rowGap / 2
	for _, r := range s.Rows {
		h += vg.Length(len(wrap(f.label, rowHeading(r), inner)))*lineHeight(f.label) + lineGap + barHeight + rowGap
		if d := rowDetail(r); d != "" {
			h += vg.Length(len(wrap(f.legend, d, inner)))*lineHeight(f.legend) + lineGap
		}
	}
	return h + margin - rowGap
}

// draw lays the chart out from the top of c.
func (s Stacked) draw(c draw.Canvas, f fonts) {
	inner := phoneWidth - 2*margin
	top := c.Max.Y - margin
	ink := color.RGBA{R: 0x1F, G: 0x1F, B: 0x1F, A: 0xFF}
	for _, line := range wrap(f.title, s.Title, inner) {
		top -= lineHeight(f.title)
		text(c, f.title, ink, margin, top, line)
	}
	top -= rowGap
	swatch := legendSize
	for _, line := range s.legendLines(f, inner) {
		top -= lineHeight(f.legend)
		x := margin
		for _, p := range line {
			c.SetColor(p.Colour)
			c.Fill(rect(x, top-f.legend.Extents().Descent+1, swatch-2, swatch-2))
			x += swatch + 2
			text(c, f.legend, ink, x, top, p.Label)
			x += f.legend.Width(p.Label) + 12
		}
		top -= lineGap
	}
	top -= rowGap / 2

	highest := 1
	for _, r := range s.Rows {
		highest = max(highest, r.Total())
	}
	for _, r := range s.Rows {
		for _, line := range wrap(f.label, rowHeading(r), inner) {
			top -= lineHeight(f.label)
			text(c, f.bold, ink, margin, top, line)
		}
		top -= lineGap + barHeight
		// The track shows where a full bar would end, so a short one still reads as short.
		c.SetColor(color.RGBA{R: 0xF0, G: 0xF0, B: 0xF0, A: 0xFF})
		c.Fill(rect(margin, top, inner, barHeight))
		x := margin
		for _, p := range r.Parts {
			if p.Value <= 0 {
				continue
			}
			w := inner * vg.Length(p.Value) / vg.Length(highest)
			c.SetColor(p.Colour)
			c.Fill(rect(x, top, w, barHeight))
			label := fmt.Sprint(p.Value)
			if lw := f.value.Width(label); lw+8 <= w {
				e := f.value.Extents()
				text(c, f.value, textOn(p.Colour), x+(w-lw)/2, top+(barHeight-(e.Ascent-e.Descent))/2, label)
			}
			x += w
		}
		if d := rowDetail(r); d != "" {
			top -= lineGap
			for _, line := range wrap(f.legend, d, inner) {
				top -= lineHeight(f.legend)
				text(c, f.legend, ink, margin, top, line)
			}
		}
		top -= rowGap
	}
}

// rowDetail lists a row's parts with their values ("Done 12 · To do 3"), so that a value too
// small to be written on its bar is still read; "" for an empty row.
func rowDetail(r Row) string {
	var parts []string
	for _, p := range r.Parts {
		if p.Value > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", p.Label, p.Value))
		}
	}
	return strings.Join(parts, " · ")
}

// rowHeading is what is written above a bar: its name and total.
func rowHeading(r Row) string { return fmt.Sprintf("%s · %d", r.Label, r.Total()) }

// legendLines splits the legend into lines that fit width.
func (s Stacked) legendLines(f fonts, width vg.Length) [][]Part {
	if len(s.Rows) == 0 {
		return nil
	}
	var lines [][]Part
	var line []Part
	var used vg.Length
	for _, p := range s.Rows[0].Parts {
		w := legendSize + 2 + f.legend.Width(p.Label) + 12
		if len(line) > 0 && used+w > width {
			lines, line, used = append(lines, line), nil, 0
		}
		line = append(line, p)
		used += w
	}
	return append(lines, line)
}

// wrap splits s into lines no wider than width, at spaces (a word longer than width stays
// whole on its own line).
func wrap(face *font.Face, s string, width vg.Length) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		next := word
		if cur != "" {
			next = cur + " " + word
		}
		if cur != "" && face.Width(next) > width {
			lines, cur = append(lines, cur), word
			continue
		}
		cur = next
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

func lineHeight(face *font.Face) vg.Length {
	e := face.Extents()
	return e.Height
}

// text writes s with its baseline at y.
func text(c draw.Canvas, face *font.Face, ink color.Color, x, y vg.Length, s string) {
	c.SetColor(ink)
	c.FillString(*face, vg.Point{X: x, Y: y}, s)
}

// textOn is the colour of text written on a part of colour bg: black on light, white on dark.
func textOn(bg color.RGBA) color.Color {
	lum := 0.2126*float64(bg.R) + 0.7152*float64(bg.G) + 0.0722*float64(bg.B)
	if lum > 140 {
		return color.Black
	}
	return color.White
}

func rect(x, y, w, h vg.Length) vg.Path {
	var p vg.Path
	p.Move(vg.Point{X: x, Y: y})
	p.Line(vg.Point{X: x + w, Y: y})
	p.Line(vg.Point{X: x + w, Y: y + h})
	p.Line(vg.Point{X: x, Y: y + h})
	p.Close()
	return p
}
