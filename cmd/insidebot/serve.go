package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/bot/scheduler"
	"github.com/insideaut/insidebot/bot/telegram"
	"github.com/insideaut/insidebot/bot/webchat/demo"
	"github.com/insideaut/insidebot/desk/access"
	"github.com/insideaut/insidebot/flows"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/translate"
)

// shutdownGrace is how long shutdown waits for in-flight work at each stage.
const shutdownGrace = 10 * time.Second

// runner is a background loop (a poller, a sender, the scheduler) that runs until its context
// ends.
type runner struct {
	name string
	run  func(ctx context.Context) error
}

// app is the running service: what serve built, in the order it started.
type app struct {
	cfg        Config
	log        *slog.Logger
	clock      clock.Clock
	db         *storage.DB
	redis      *storage.Redis
	catalog    *locales.Catalog
	engine     *flows.Engine
	dispatcher *bot.Dispatcher
	metrics    *prometheus.Registry
	mux        *http.ServeMux // HTTP_ADDR: the public listener
	metricsMux *http.ServeMux // METRICS_ADDR: /metrics only, never on the public listener
	gauges     *projectGauges // the project's figures on /metrics
	runners    []runner
	senders    []bot.Sender
	demo       bool
	// wake tells the outbox senders there is new work (set when the senders are wired).
	wake func()
	// telegram is the Bot API client, when TELEGRAM_BOT_TOKEN is set.
	telegram *telegram.Client
	// media is the transit store of passed-on files, translator the translation client
	// (media.go).
	media      *media.Store
	translator *translate.Client
	// demoWorld is the seeded demo, with --demo (the web chat and the desk use it).
	demoWorld *demo.Demo
}

func serveCmd(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: insidebot [serve] [--demo]\n\nStarts the bot; configuration comes from environment variables (README.md).\n\n")
		fs.PrintDefaults()
	}
	demo := fs.Bool("demo", false, "seed demo people, plans, leads and labs, and let the web chat switch between them")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{err: fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))}
	}
	cfg, log, err := setup(getenv, stderr)
	if err != nil {
		return err
	}
	if err := cfg.Privacy.checkServe(*demo); err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	if cfg.MediaKey == "" && !*demo {
		return fmt.Errorf("configuration: %w", errNoMediaKey)
	}
	a, err := build(ctx, cfg, log, *demo)
	if err != nil {
		return err
	}
	return a.serve(ctx)
}

// build opens storage and wires every component.
func build(ctx context.Context, cfg Config, log *slog.Logger, demo bool) (a *app, err error) {
	a = &app{cfg: cfg, log: log, clock: clock.System{}, demo: demo, mux: http.NewServeMux(), metricsMux: http.NewServeMux()}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	a.db, err = openDB(ctx, cfg, log.With("component", "storage"))
	if err != nil {
		return a, err
	}
	if !demo {
		// Real people will use it: serve --demo refuses it from now on.
		if err := storage.MarkReal(ctx, a.db, a.clock.Now()); err != nil {
			return a, err
		}
	}
	a.redis, err = storage.OpenRedis(ctx, cfg.RedisURL, cfg.RedisPrefix)
	if err != nil {
		return a, err
	}
	a.catalog, err = locales.Load(log.With("component", "locales"))
	if err != nil {
		return a, err
	}
	a.metrics = prometheus.NewRegistry()
	a.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.metricsMux.Handle("GET /metrics", promhttp.HandlerFor(a.metrics, promhttp.HandlerOpts{}))
	if cfg.Pprof {
		// Go's profiler, for measuring the service under load (make bench -profile); on the
		// metrics listener only.
		a.metricsMux.HandleFunc("GET /debug/pprof/", pprof.Index)
		a.metricsMux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		a.metricsMux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
		a.metricsMux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		a.metricsMux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	}
	a.gauges = newProjectGauges(a.db, log.With("component", "gauges"), a.metrics)
	a.runners = append(a.runners, runner{name: "gauges", run: a.gauges.run})
	if err := a.openMedia(); err != nil {
		return a, err
	}

	if err := a.connectTelegram(ctx); err != nil {
		return a, err
	}
	a.engine = flows.New(flows.Deps{Redis: a.redis, Catalog: a.catalog, Clock: a.clock, Log: log.With("component", "flows"),
		Settings: flows.Settings{BotUsername: a.botUsername(), WhatsAppNumber: cfg.WhatsAppNumber, PublicURL: cfg.PublicURL, Location: cfg.Timezone,
			InviteTTL: cfg.InviteTTL, ResearchKey: []byte(cfg.ResearchKey),
			PrivacyController: cfg.Privacy.Controller, PrivacyContact: cfg.Privacy.Contact,
			MessageRetention: cfg.Scheduler.MessageRetention, Targets: cfg.Targets},
		Planner: scheduler.NewPlanner(cfg.schedulerConfig()), Media: a.media, Translator: a.translator,
		Desk: access.Links{PublicURL: cfg.PublicURL}})
	a.dispatcher = bot.NewDispatcher(bot.DispatcherConfig{DB: a.db, Redis: a.redis, Handler: a.engine, Clock: a.clock,
		Log: log.With("component", "dispatch"), Metrics: a.metrics, Flood: cfg.Inbound, Wake: func() {
			if a.wake != nil {
				a.wake()
			}
		}})
	a.addScheduler()
	if err := a.wireWebchat(ctx); err != nil {
		return a, err
	}
	if err := a.wireDesk(); err != nil {
		return a, err
	}
	a.mux.HandleFunc("GET /healthz", a.healthz)
	a.mux.HandleFunc("GET /readyz", a.readyz)
	a.mux.HandleFunc("GET /privacy", a.privacy)
	a.wireTelegram()
	a.wireWhatsApp()
	a.wireOutbox() // last: every channel's sender is registered before it
	return a, nil
}

// botUsername is the Telegram username used in deep links: empty when Telegram is off, so
// invites carry no Telegram link.
func (a *app) botUsername() string {
	switch {
	case a.telegram == nil:
		return ""
	case a.telegram.Username() != "":
		return a.telegram.Username()
	case a.cfg.BotUsername != "":
		return a.cfg.BotUsername
	}
	return "insidebot"
}

// serve listens, runs the background loops and shuts everything down, in reverse order of
// start, when ctx ends.
func (a *app) serve(ctx context.Context) error {
	defer a.close()
	ln, err := net.Listen("tcp", a.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on HTTP_ADDR %s: %w", a.cfg.HTTPAddr, err)
	}
	// The servers' own complaints (a client's broken request) go through slog too.
	errLog := slog.NewLogLogger(a.log.With("component", "http").Handler(), slog.LevelWarn)
	srv := &http.Server{Handler: a.mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, ErrorLog: errLog}
	serveErr := make(chan error, 2)
	go func() { serveErr <- srv.Serve(ln) }()
	metricsAt := "off"
	var msrv *http.Server
	if a.cfg.MetricsAddr != "off" {
		mln, err := net.Listen("tcp", a.cfg.MetricsAddr)
		if err != nil {
			_ = srv.Close()
			return fmt.Errorf("listen on METRICS_ADDR %s: %w", a.cfg.MetricsAddr, err)
		}
		msrv = &http.Server{Handler: a.metricsMux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second, ErrorLog: errLog}
		go func() { serveErr <- msrv.Serve(mln) }()
		metricsAt = "http://" + mln.Addr().String() + "/metrics"
	}
	a.log.Info("insidebot serving", "addr", "http://"+ln.Addr().String(), "metrics", metricsAt, "database", a.db.Dialect().String(),
		"redis_embedded", a.redis.Embedded(), "demo", a.demo)

	runCtx, cancelRunners := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	for _, r := range a.runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
				a.log.Error("background loop stopped", "loop", r.name, "err", err)
			}
		}()
	}

	select {
	case <-ctx.Done():
		a.log.Info("shutting down")
	case err := <-serveErr:
		cancelRunners()
		wg.Wait()
		return fmt.Errorf("http server: %w", err)
	}
	// Stop taking updates first, then let the loops finish what they hold.
	shCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shCtx); err != nil {
		a.log.Warn("http server shutdown", "err", err)
	}
	if msrv != nil {
		if err := msrv.Shutdown(shCtx); err != nil {
			a.log.Warn("metrics server shutdown", "err", err)
		}
	}
	cancelRunners()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(shutdownGrace):
		a.log.Warn("background loops did not stop in time")
	}
	a.log.Info("stopped")
	return nil
}

// close releases storage, last started first closed.
func (a *app) close() {
	if a.redis != nil {
		_ = a.redis.Close()
	}
	if a.db != nil {
		_ = a.db.Close()
	}
}

func (a *app) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
}

// readyz answers 200 when the database and Redis answer, 503 otherwise. It never waits on
// the scheduler or the senders.
func (a *app) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := a.db.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "database unavailable\n")
		a.log.Warn("not ready: database", "err", err)
		return
	}
	if err := a.redis.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "redis unavailable\n")
		a.log.Warn("not ready: redis", "err", err)
		return
	}
	_, _ = io.WriteString(w, "ready\n")
}

// healthcheckCmd asks the running server for /healthz: the Docker health check, performed by
// the binary itself (the image has no curl).
func healthcheckCmd(ctx context.Context, args []string, getenv env, stdout io.Writer) error {
	if help(args, stdout, "usage: insidebot healthcheck\n\nExits 0 when the server on HTTP_ADDR answers /healthz (the container's health check).\n") {
		return flag.ErrHelp
	}
	if len(args) > 0 {
		return usageError{err: fmt.Errorf("healthcheck takes no arguments")}
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+listenURLHost(cfg.HTTPAddr)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthz: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthz answered %d", resp.StatusCode)
	}
	return nil
}
