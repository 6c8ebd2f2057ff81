// Command binbench is make bench: it measures the built insidebot binary from outside, as
// Telegram sees it, against the floor of a bare echo bot on the same library.
//
// It builds both binaries (CGO_ENABLED=0), seeds a database with a month of a busy project
// (people enrolled with their Telegram identities, delivered messages, handled updates), and
// starts each bot in turn against a fake Bot API that serves getUpdates like Telegram (long
// polling, update ids that only grow, nothing forgotten until confirmed). Every simulated
// person is a closed loop: they send /menu, wait for the bot's answer, and send again. It
// prints updates per second of both bots, their ratio, and p50/p99 from an update's arrival on
// the fake to the reply's, for PostgreSQL + Redis and for the embedded SQLite and Redis. Then
// it measures broadcast pacing through the binary: bulk messages to many people, sent by the
// binary's outbox under TELEGRAM_RATE=R to a fake that answers 429 to more than R sends in any
// second (achieved/R, 429s, duplicates, lost).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/insideaut/insidebot/storage"
)

const benchToken = "1000:bench-token"

type options struct {
	pgURL, redisURL string
	backends        string
	chats           []int
	sqliteChats     []int
	warmup, measure time.Duration
	people, history int
	pacingRate      int
	pacingN         int
	stepsEach       int
	caseload        int
	scaleN          int
	scaleSlow       int
	scaleExports    int
	outcomes, audit int
	cliExports      int
	deskN           int
	profile         string
	keep            bool
}

func main() {
	var o options
	var chats, sqliteChats string
	flag.StringVar(&o.pgURL, "pg", envOr("INSIDEBOT_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "PostgreSQL server (a schema of its own is created and dropped)")
	flag.StringVar(&o.redisURL, "redis", envOr("INSIDEBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"), "Redis server (keys under a prefix of their own)")
	flag.StringVar(&o.backends, "backends", "postgres,scale,desk,pacing,sqlite", "what to run: postgres (closed loops), scale (timings of staff screens and the exports), desk (the desk's pages), pacing (on PostgreSQL), sqlite")
	flag.StringVar(&chats, "chats", "300,1000", "closed-loop chats on PostgreSQL + Redis")
	flag.StringVar(&sqliteChats, "sqlite-chats", "300", "closed-loop chats on the embedded SQLite and Redis")
	flag.DurationVar(&o.warmup, "warmup", 5*time.Second, "load before measuring")
	flag.DurationVar(&o.measure, "measure", 15*time.Second, "measurement window per bot and load")
	flag.IntVar(&o.people, "people", 100_000, "beneficiaries seeded (each with a Telegram identity)")
	flag.IntVar(&o.history, "history", 200_000, "delivered outbox rows and handled updates seeded")
	flag.IntVar(&o.pacingRate, "pacing-rate", 100, "TELEGRAM_RATE for the pacing run, and the fake's strict limit")
	flag.IntVar(&o.pacingN, "pacing-n", 10_000, "recipients of the pacing run")
	flag.IntVar(&o.stepsEach, "steps", 10, "plan steps seeded per person")
	flag.IntVar(&o.caseload, "caseload", 10_000, "people the seeded tutor follows (their /mine)")
	flag.IntVar(&o.scaleN, "scale-n", 100, "times the plan view and /mine are timed")
	flag.IntVar(&o.scaleSlow, "scale-stats", 5, "times /stats is timed")
	flag.IntVar(&o.scaleExports, "scale-exports", 1, "times /export is timed")
	flag.IntVar(&o.cliExports, "cli-exports", 3, "times each export of the command line (research, monitoring) is timed")
	flag.IntVar(&o.outcomes, "outcomes", 100_000, "outcome events seeded over the people (besides closed cases and self-assessment answers)")
	flag.IntVar(&o.audit, "audit", 100_000, "audit log entries seeded")
	flag.IntVar(&o.deskN, "desk-n", 50, "times each desk page is timed, per staff member")
	flag.StringVar(&o.profile, "profile", "", "write a CPU profile (10 s) of insidebot under each load into this directory (PPROF=on)")
	flag.BoolVar(&o.keep, "keep", false, "keep the PostgreSQL schema and temporary files")
	flag.Parse()
	var err error
	if o.chats, err = ints(chats); err == nil {
		o.sqliteChats, err = ints(sqliteChats)
	}
	if err == nil {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err = run(ctx, o)
		stop()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "binbench:", err)
		os.Exit(1)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func ints(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("not a count of chats: %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "binbench-")
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	bins := map[string]string{"insidebot": "./cmd/insidebot", "echobot": "./bench/echobot"}
	for name, pkg := range bins {
		out := filepath.Join(dir, name)
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %w\n%s", pkg, err, b)
		}
		bins[name] = out
	}
	fmt.Printf("insidebot binary bench: %d people, %d delivered messages and %d handled updates of history; %v warm-up, %v measured per bot\n",
		o.people, o.history, o.history, o.warmup, o.measure)
	b := &bench{o: o, dir: dir, bin: bins["insidebot"], echo: bins["echobot"], mediaKey: randomHex(32)}
	want := map[string]bool{}
	for _, backend := range strings.Split(o.backends, ",") {
		switch backend = strings.TrimSpace(backend); backend {
		case "postgres", "scale", "desk", "pacing", "sqlite":
			want[backend] = true
		default:
			return fmt.Errorf("unknown backend %q", backend)
		}
	}
	// PostgreSQL's closed loops, scale timings, the desk and pacing share one seeded database.
	if want["postgres"] || want["scale"] || want["desk"] || want["pacing"] {
		var loads []int
		if want["postgres"] {
			loads = o.chats
		}
		if err := b.backend(ctx, "postgres", loads, parts{scale: want["scale"], desk: want["desk"], pacing: want["pacing"]}); err != nil {
			return err
		}
	}
	if want["sqlite"] {
		return b.backend(ctx, "sqlite", o.sqliteChats, parts{})
	}
	return nil
}

type bench struct {
	o         options
	dir       string
	bin, echo string
	mediaKey  string
}

// store is a database prepared for the binary: its environment and a handle for seeding.
type store struct {
	env     []string
	dbURL   string
	world   world
	cleanup func()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// prepare makes an empty database of the kind named, migrated by the binary and seeded.
func (b *bench) prepare(ctx context.Context, kind string) (*store, error) {
	s := &store{cleanup: func() {}}
	var dbURL string
	switch kind {
	case "postgres":
		admin, err := storage.Open(ctx, b.o.pgURL, "")
		if err != nil {
			return nil, err
		}
		schema := "bench_" + randomHex(4)
		if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
			_ = admin.Close()
			return nil, err
		}
		u, _ := url.Parse(b.o.pgURL)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		dbURL = u.String()
		prefix := "bench-" + randomHex(4) + ":"
		s.env = []string{"DATABASE_URL=" + dbURL, "REDIS_URL=" + b.o.redisURL, "REDIS_PREFIX=" + prefix,
			"DATA_DIR=" + filepath.Join(b.dir, "pg-data")}
		s.cleanup = func() {
			if !b.o.keep {
				_, _ = admin.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
			}
			_ = admin.Close()
			if r, err := storage.OpenRedis(context.Background(), b.o.redisURL, prefix); err == nil {
				c := r.Client()
				iter := c.Scan(context.Background(), 0, prefix+"*", 1000).Iterator()
				for iter.Next(context.Background()) {
					c.Del(context.Background(), iter.Val())
				}
				_ = r.Close()
			}
		}
	case "sqlite":
		data := filepath.Join(b.dir, "sqlite-data-"+randomHex(3))
		// The embedded default: no DATABASE_URL, no REDIS_URL, the database file in DATA_DIR.
		s.env = []string{"DATA_DIR=" + data}
		dbURL = "sqlite:" + filepath.Join(data, "insidebot.db")
	}
	s.dbURL = dbURL
	start := time.Now()
	cmd := exec.CommandContext(ctx, b.bin, "migrate")
	cmd.Env = b.env(s.env, "")
	if out, err := cmd.CombinedOutput(); err != nil {
		s.cleanup()
		return nil, fmt.Errorf("insidebot migrate: %w\n%s", err, out)
	}
	db, err := storage.Open(ctx, dbURL, "")
	if err != nil {
		s.cleanup()
		return nil, err
	}
	defer db.Close()
	if s.world, err = seed(ctx, db, b.o); err != nil {
		s.cleanup()
		return nil, err
	}
	h := s.world.history
	fmt.Printf("\n%s: migrated and seeded in %.1f s: %d outcomes, %d case events (%d cases closed), %d self-assessment rounds with %d answers, "+
		"%d lab sessions with %d enrolments, %d leads with %d interests, %d open and %d handled alerts, %d audit entries\n",
		kind, time.Since(start).Seconds(), h.outcomes, h.caseEvents, h.closed, h.rounds, h.answers, h.sessions, h.enrolments,
		h.leads, h.interests, h.alertsOpen, h.alertsHandled, h.audit)
	return s, nil
}

// env is the binary's whole environment: nothing inherited but PATH and HOME.
func (b *bench) env(store []string, endpoint string, extra ...string) []string {
	e := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"PRIVACY_CONTACT=privacy@bench.example", "MEDIA_KEY=" + b.mediaKey, "METRICS_ADDR=off",
		"LOG_LEVEL=warn", "TELEGRAM_BOT_TOKEN=" + benchToken}
	if endpoint != "" {
		e = append(e, "TELEGRAM_API_ENDPOINT="+endpoint)
	}
	e = append(e, store...)
	return append(e, extra...)
}

// unlimited lifts the limits that protect people and platforms, so the software is measured:
// one person's updates (INBOUND_*) and the pace of sends to one chat and overall.
var unlimited = []string{"INBOUND_BURST=1000", "INBOUND_INTERVAL=10ms", "TELEGRAM_RATE=10000",
	"TELEGRAM_CHAT_INTERVAL=10ms", "TELEGRAM_CHAT_BURST=100"}

// result is one bot at one load.
type result struct {
	perSecond  float64
	p50, p99   float64 // ms
	sent       int
	timeouts   int
	extra      int
	startup    time.Duration // to /healthz (insidebot only)
	rssPeakMiB float64
}

func (r result) String() string {
	return fmt.Sprintf("%8.0f updates/s  p50 %7.1f ms  p99 %7.1f ms  (timeouts %d, extra replies %d)", r.perSecond, r.p50, r.p99, r.timeouts, r.extra)
}

// parts are the timings run after the closed loops, on the same database.
type parts struct{ scale, desk, pacing bool }

func (b *bench) backend(ctx context.Context, kind string, loads []int, after parts) (err error) {
	s, err := b.prepare(ctx, kind)
	if err != nil {
		return err
	}
	defer s.cleanup()
	defer func() {
		// After the closed loops, on the same database: the scale timings, the desk, then
		// pacing.
		if err == nil && after.scale {
			err = b.scale(ctx, s)
		}
		if err == nil && after.desk {
			err = b.desk(ctx, s)
		}
		if err == nil && after.pacing {
			err = b.pacing(ctx, s)
		}
	}()
	for _, chats := range loads {
		echo, err := b.load(ctx, chats, func(endpoint string) (*proc, error) {
			return startProc(ctx, b.echo, b.env(nil, endpoint), filepath.Join(b.dir, "echo.log"), "")
		})
		if err != nil {
			return fmt.Errorf("echo bot: %w", err)
		}
		bot, err := b.load(ctx, chats, func(endpoint string) (*proc, error) {
			extra := append(slices.Clone(unlimited), "HTTP_ADDR="+freeAddr())
			if b.o.profile != "" {
				extra = append(extra, "METRICS_ADDR="+freeAddr(), "PPROF=on")
			}
			p, err := startProc(ctx, b.bin, b.env(s.env, endpoint, extra...), filepath.Join(b.dir, kind+"-insidebot.log"), "serve")
			if p != nil && b.o.profile != "" {
				p.profileTo = filepath.Join(b.o.profile, fmt.Sprintf("%s-%d.pprof", kind, chats))
			}
			return p, err
		})
		if err != nil {
			return fmt.Errorf("insidebot: %w", err)
		}
		fmt.Printf("%s, %d closed-loop chats:\n  echo floor %s\n  insidebot  %s\n  ratio %.3f of the floor; insidebot started (to /healthz) in %d ms, peak RSS %.0f MiB\n",
			kind, chats, echo, bot, bot.perSecond/echo.perSecond, bot.startup.Milliseconds(), bot.rssPeakMiB)
	}
	return nil
}

// load runs one bot against a fresh fake at a number of closed-loop chats.
func (b *bench) load(ctx context.Context, chats int, start func(endpoint string) (*proc, error)) (result, error) {
	fake, err := newFakeAPI()
	if err != nil {
		return result{}, err
	}
	defer fake.close()
	p, err := start(fake.endpoint())
	if err != nil {
		return result{}, err
	}
	defer p.stop()
	var res result
	if p.httpAddr != "" {
		if res.startup, err = p.waitHealthy(ctx); err != nil {
			return res, err
		}
	}
	loopCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	fake.start(loopCtx, chatIDs(chats), 10*time.Second)
	time.Sleep(b.o.warmup)
	profiled := make(chan error, 1)
	if p.profileTo != "" {
		go func() { profiled <- p.profile(ctx, min(10*time.Second, b.o.measure)) }()
	} else {
		profiled <- nil
	}
	w := fake.measure(b.o.measure)
	if err := <-profiled; err != nil {
		fmt.Fprintln(os.Stderr, "binbench: profile:", err)
	}
	fake.stop()
	res.perSecond = float64(w.replies) / w.closed.Sub(w.open).Seconds()
	res.p50, res.p99 = percentile(w.latencies, .50), percentile(w.latencies, .99)
	res.sent, res.timeouts, res.extra = w.sent, w.timeouts, w.extra
	res.rssPeakMiB = p.peakRSS()
	if p.exited() {
		return res, fmt.Errorf("exited during the run; its log:\n%s", p.logTail())
	}
	return res, nil
}

func percentile(lat []time.Duration, p float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return float64(s[int(p*float64(len(s)-1))]) / float64(time.Millisecond)
}

// proc is a bot process under test.
type proc struct {
	cmd         *exec.Cmd
	log         string
	httpAddr    string
	metricsAddr string
	profileTo   string
	started     time.Time
	done        chan struct{}
}

func startProc(ctx context.Context, bin string, env []string, logPath string, arg string) (*proc, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	var args []string
	if arg != "" {
		args = []string{arg}
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = f, f
	p := &proc{cmd: cmd, log: logPath, done: make(chan struct{})}
	for _, e := range env {
		if a, ok := strings.CutPrefix(e, "HTTP_ADDR="); ok {
			p.httpAddr = a
		}
		if a, ok := strings.CutPrefix(e, "METRICS_ADDR="); ok && a != "off" {
			p.metricsAddr = a
		}
	}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	go func() { _ = cmd.Wait(); f.Close(); close(p.done) }()
	go func() {
		select {
		case <-ctx.Done():
			_ = cmd.Process.Kill()
		case <-p.done:
		}
	}()
	return p, nil
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitHealthy waits for /healthz and returns the time from start.
func (p *proc) waitHealthy(ctx context.Context) (time.Duration, error) {
	c := &http.Client{Timeout: time.Second}
	for {
		if resp, err := c.Get("http://" + p.httpAddr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(p.started), nil
			}
		}
		if p.exited() {
			return 0, fmt.Errorf("exited at start; its log:\n%s", p.logTail())
		}
		if time.Since(p.started) > time.Minute {
			return 0, errors.New("no /healthz within a minute")
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// profile writes a CPU profile of d to profileTo, from PPROF=on on METRICS_ADDR.
func (p *proc) profile(ctx context.Context, d time.Duration) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", p.metricsAddr, int(d.Seconds())), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("pprof answered %s", resp.Status)
	}
	if err := os.MkdirAll(filepath.Dir(p.profileTo), 0o755); err != nil {
		return err
	}
	f, err := os.Create(p.profileTo)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	// What the goroutines wait on, and the service's own figures, at the end of the profile.
	for suffix, path := range map[string]string{".goroutines.txt": "/debug/pprof/goroutine?debug=1", ".metrics.txt": "/metrics"} {
		resp, err := http.Get("http://" + p.metricsAddr + path)
		if err != nil {
			return err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if err := os.WriteFile(strings.TrimSuffix(p.profileTo, ".pprof")+suffix, b, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("  CPU profile, goroutines and metrics of insidebot: %s*\n", strings.TrimSuffix(p.profileTo, ".pprof"))
	return nil
}

// peakRSS is the process's peak resident set (VmHWM), in MiB.
func (p *proc) peakRSS() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}

// stop asks the process to shut down (SIGINT), and kills it after 15 s.
func (p *proc) stop() {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func (p *proc) logTail() string {
	f, err := os.Open(p.log)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "127.0.0.1:18080"
	}
	defer ln.Close()
	return ln.Addr().String()
}
