package flows

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// chartStatuses are the step statuses stacked in the chart, bottom to top, with their colours
// (distinguishable by people with the common colour-vision deficiencies: Okabe-Ito).
func chartStatuses() []struct {
	status string
	colour color.RGBA
} {
	return []struct {
		status string
		colour color.RGBA
	}{
		{storage.StepDone, color.RGBA{R: 0x00, G: 0x9E, B: 0x73, A: 0xFF}},
		{storage.StepInProgress, color.RGBA{R: 0x56, G: 0xB4, B: 0xE9, A: 0xFF}},
		{storage.StepTodo, color.RGBA{R: 0xBB, G: 0xBB, B: 0xBB, A: 0xFF}},
		{storage.StepBlocked, color.RGBA{R: 0xD5, G: 0x5E, B: 0x00, A: 0xFF}},
	}
}

// stepsChart draws the plan steps by area, stacked by status, as a PNG, with its labels in l's
// language. It uses the plotting library's built-in fonts: no network, no system fonts.
func stepsChart(l *locales.Localizer, scope string, steps []storage.StepCount) ([]byte, error) {
	counts := map[string]map[string]int{}
	for _, s := range steps {
		if counts[s.Area] == nil {
			counts[s.Area] = map[string]int{}
		}
		counts[s.Area][s.Status] += s.N
	}
	areas := storage.Areas()
	p := plot.New()
	p.Title.Text = l.T("stats.chart_title", "Scope", scope)
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = l.T("stats.chart_x")
	p.Y.Label.Text = l.T("stats.chart_y")
	p.Y.Min = 0
	grid := plotter.NewGrid()
	grid.Vertical.Width = 0
	p.Add(grid)
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(8)
	p.Legend.TextStyle.Font.Size = vg.Points(11)

	width := vg.Points(44)
	totals := make([]float64, len(areas))
	var below *plotter.BarChart
	var legend []*plotter.BarChart
	for _, st := range chartStatuses() {
		vals := make(plotter.Values, len(areas))
		for i, a := range areas {
			vals[i] = float64(counts[a][st.status])
			totals[i] += vals[i]
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return nil, fmt.Errorf("chart bars: %w", err)
		}
		bars.Color = st.colour
		bars.LineStyle.Width = vg.Points(0.5)
		bars.LineStyle.Color = color.White
		if below != nil {
			bars.StackOn(below)
		}
		p.Add(bars)
		legend = append(legend, bars)
		below = bars
	}
	// The legend lists the statuses top to bottom, as the bars stack them.
	for i := len(legend) - 1; i >= 0; i-- {
		p.Legend.Add(l.T("stats.chart_status_"+chartStatuses()[i].status), legend[i])
	}
	highest := 0.0
	labels := plotter.XYLabels{XYs: make(plotter.XYs, len(areas)), Labels: make([]string, len(areas))}
	for i, t := range totals {
		highest = max(highest, t)
		labels.XYs[i] = plotter.XY{X: float64(i), Y: t}
		labels.Labels[i] = fmt.Sprint(int(t))
	}
	totalLabels, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, fmt.Errorf("chart labels: %w", err)
	}
	for i := range totalLabels.TextStyle {
		totalLabels.TextStyle[i].XAlign = draw.XCenter
		totalLabels.TextStyle[i].Font.Size = vg.Points(11)
	}
	totalLabels.Offset = vg.Point{Y: vg.Points(3)}
	p.Add(totalLabels)
	// Room above the tallest bar for its total and the legend.
	p.Y.Max = max(4, highest*1.45)
	names := make([]string, len(areas))
	for i, a := range areas {
		names[i] = l.T("stats.chart_area_" + a)
	}
	p.NominalX(names...)
	p.X.Tick.Label.Font.Size = vg.Points(11)
	// Half a bar's room beyond the first and the last, so neither is cut.
	p.X.Min, p.X.Max = -0.6, float64(len(areas))-0.4

	canvas := vgimg.NewWith(vgimg.UseWH(18*vg.Centimeter, 11*vg.Centimeter), vgimg.UseDPI(144), vgimg.UseBackgroundColor(color.White))
	p.Draw(draw.New(canvas))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: canvas}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("encode chart: %w", err)
	}
	return buf.Bytes(), nil
}
