package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// cliExports times both exports of the command line, `insidebot export research` and
// `insidebot export monitoring`, each a subprocess of the built binary against the seeded
// database, times times each: the wall time from start to exit, the size of what it wrote
// (the research export's people table, its aggregated tables and codebook beside it) and the
// process's peak RSS.
func (b *bench) cliExports(ctx context.Context, s *store, times int) error {
	for _, kind := range []string{"research", "monitoring"} {
		var lat []time.Duration
		var size int64
		var rss float64
		for i := range times {
			dir := filepath.Join(b.dir, fmt.Sprintf("export-%s-%d", kind, i))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			cmd := exec.CommandContext(ctx, b.bin, "export", kind, "--out", filepath.Join(dir, kind+".csv"))
			cmd.Env = b.env(s.env, "", "RESEARCH_KEY="+randomHex(32))
			start := time.Now()
			out, err := cmd.CombinedOutput()
			d := time.Since(start)
			if err != nil {
				return fmt.Errorf("insidebot export %s: %w\n%s", kind, err, out)
			}
			lat = append(lat, d)
			if u, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				rss = max(rss, float64(u.Maxrss)/1024)
			}
			if size, err = dirSize(dir); err != nil {
				return err
			}
			if !b.o.keep {
				_ = os.RemoveAll(dir)
			}
		}
		fmt.Printf("  %-40s %s  (%d times; %s written, peak RSS %.0f MiB)\n", "insidebot export "+kind+" (CLI)", spread(lat), len(lat),
			sizeOf(size), rss)
	}
	return nil
}

// spread is p50 and max of a few timings.
func spread(lat []time.Duration) string {
	if len(lat) == 0 {
		return "-"
	}
	return fmt.Sprintf("p50 %7.1f ms  max %7.1f ms", percentile(lat, .50), percentile(lat, 1))
}

func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n, err
}

func sizeOf(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
