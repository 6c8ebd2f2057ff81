package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// scale times the staff's and a beneficiary's busiest screens through the binary, from
// outside, on the seeded database (100,000 people by default): a beneficiary opens their
// plan, the tutor opens /mine (the first page of a caseload of 10,000), the coordinator asks
// for /stats (every territory) and /export (the research dataset: a line and three CSV files). Each is a
// Telegram update to the fake, timed from its arrival on the fake to the last reply's. It
// prints p50/p99 of the frequent screens, each /stats and /export, and the binary's peak RSS
// before and after the exports; then times both exports of the command line (cliExports).
func (b *bench) scale(ctx context.Context, s *store) error {
	fake, err := newFakeAPI()
	if err != nil {
		return err
	}
	defer fake.close()
	extra := append(slices.Clone(unlimited), "HTTP_ADDR="+freeAddr(), "RESEARCH_KEY="+randomHex(32))
	p, err := startProc(ctx, b.bin, b.env(s.env, fake.endpoint(), extra...), filepath.Join(b.dir, "scale-insidebot.log"), "serve")
	if err != nil {
		return err
	}
	defer p.stop()
	startup, err := p.waitHealthy(ctx)
	if err != nil {
		return err
	}
	w := s.world
	fmt.Printf("postgres, scale timings through the binary (%d people, %d plan steps, a tutor's caseload of %d, %d consenting to research, "+
		"%d outcomes, %d closed cases, %d self-assessment answers; started in %d ms):\n",
		b.o.people, w.steps, w.caseload, w.consenting, w.history.outcomes, w.history.closed, w.history.answers, startup.Milliseconds())
	n := b.o.scaleN
	for _, q := range []struct {
		what, text     string
		chat           int64
		replies, times int
	}{
		{"plan view (a beneficiary's /plan)", "/plan", w.beneficiary, 1, n},
		{"/mine (tutor, first page)", "/mine", tutorChat, 1, n},
		{"/stats (coordinator, all territories)", "/stats", coordChat, 2, b.o.scaleSlow}, // the figures, the chart
	} {
		lat, replies, err := b.repeat(ctx, fake, p, q.chat, q.text, q.replies, q.times)
		if err != nil {
			return err
		}
		fmt.Printf("  %-40s %s  (%d replies each, %d times)\n", q.what, latencies(lat), replies, len(lat))
	}
	before := p.peakRSS()
	// The export: a line, then the people's and the aggregates' CSV files and the codebook.
	lat, replies, err := b.repeat(ctx, fake, p, coordChat, "/export", 4, b.o.scaleExports)
	if err != nil {
		// At this scale the export may not fit in the update's timeout: a figure, not the
		// end of the run.
		fmt.Printf("  %-40s FAILED: %s\n", "/export (coordinator, research dataset)", firstLine(err.Error()))
		fmt.Printf("    insidebot's log:\n%s\n", indent(lastLines(p.logTail(), 4)))
	} else {
		fmt.Printf("  %-40s %s  (%d replies each, %d times)\n", "/export (coordinator, research dataset)", latencies(lat), replies, len(lat))
	}
	fmt.Printf("  peak RSS of insidebot: %.0f MiB before the exports, %.0f MiB after\n", before, p.peakRSS())
	if err := b.cliExports(ctx, s, b.o.cliExports); err != nil {
		return err
	}
	if p.exited() {
		return fmt.Errorf("exited during the scale timings; its log:\n%s", p.logTail())
	}
	return nil
}

// repeat asks text from chat times times, each time waiting for its replies, after one
// untimed ask that warms the caches and checks that no more than replies come.
func (b *bench) repeat(ctx context.Context, fake *fakeAPI, p *proc, chat int64, text string, replies, times int) ([]time.Duration, int, error) {
	const timeout = 45 * time.Second
	got, _, err := fake.ask(ctx, chat, text, 0, timeout, 3*time.Second)
	if err == nil && got != replies {
		err = fmt.Errorf("%q from chat %d: %d replies, not %d", text, chat, got, replies)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("%w; insidebot's log:\n%s", err, p.logTail())
	}
	lat := make([]time.Duration, 0, times)
	for range times {
		_, d, err := fake.ask(ctx, chat, text, replies, timeout, 0)
		if err != nil {
			return nil, 0, fmt.Errorf("%w; insidebot's log:\n%s", err, p.logTail())
		}
		lat = append(lat, d)
	}
	return lat, replies, nil
}

// latencies is p50 and p99 (or each value, for a few).
func latencies(lat []time.Duration) string {
	if len(lat) <= 5 {
		s := ""
		for i, d := range lat {
			if i > 0 {
				s += ", "
			}
			s += fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond))
		}
		return s + " ms"
	}
	return fmt.Sprintf("p50 %7.1f ms  p99 %7.1f ms", percentile(lat, .50), percentile(lat, .99))
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func indent(s string) string { return "    " + strings.ReplaceAll(s, "\n", "\n    ") }
