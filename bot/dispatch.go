package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/storage"
)

// Handler turns one inbound update into its effects, written in tx: database changes and the
// messages it owes (enqueued in the outbox). It never sends anything itself.
type Handler interface {
	Handle(ctx context.Context, tx *storage.Tx, in Incoming) (Result, error)
	// Fail writes the answer to an update whose handling failed for a reason that retrying
	// will not fix (a bug): a short apology in the person's language, nothing else.
	Fail(ctx context.Context, tx *storage.Tx, in Incoming) error
}

// Result is what a channel needs to know once an update was handled.
type Result struct {
	Duplicate    bool   // the update was handled before; nothing was done
	CallbackText string // a short notice for the pressed button (Telegram answerCallbackQuery)
}

// DispatcherConfig wires a Dispatcher.
type DispatcherConfig struct {
	DB       *storage.DB
	Redis    *storage.Redis
	Handler  Handler
	Clock    clock.Clock
	Log      *slog.Logger
	Metrics  prometheus.Registerer
	Wake     func()        // tells the outbox senders there is new work; may be nil
	Timeout  time.Duration // for one update (default 20 s)
	LockWait time.Duration // how long to wait for another replica handling the same chat (default 10 s)
	Flood    FloodLimit    // how fast one person's updates are handled (zero: no limit); floodlimit.go
}

// Dispatcher runs the handler for inbound updates: one at a time per chat across every
// replica (a Redis lock), each update's effects and its id in one transaction (so a
// redelivery does nothing twice), a panic or a bug answered with an apology, never lost.
type Dispatcher struct {
	cfg      DispatcherConfig
	flood    *floodGate
	updates  *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewDispatcher builds a dispatcher.
func NewDispatcher(cfg DispatcherConfig) *Dispatcher {
	if cfg.Timeout == 0 {
		cfg.Timeout = 20 * time.Second
	}
	if cfg.LockWait == 0 {
		cfg.LockWait = 10 * time.Second
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	d := &Dispatcher{
		cfg: cfg,
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "insidebot_updates_total", Help: "Inbound updates by channel and result.",
		}, []string{"channel", "result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "insidebot_update_duration_seconds", Help: "Time to handle an inbound update, lock to commit.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"channel"}),
	}
	if cfg.Metrics != nil {
		cfg.Metrics.MustRegister(d.updates, d.duration)
	}
	d.flood = newFloodGate(cfg)
	return d
}

// ErrRetryLater means the update was not handled and must be delivered again (the database or
// Redis is unreachable, another replica holds the chat too long). Webhooks answer 5xx to it,
// the poller does not confirm the update.
var ErrRetryLater = errors.New("retry later")

// errPanic wraps a recovered panic.
type errPanic struct {
	v     any
	stack []byte
}

func (e errPanic) Error() string { return fmt.Sprintf("panic: %v", e.v) }

// Dispatch handles one inbound update. It returns an error wrapping ErrRetryLater when the
// update must be delivered again; any other outcome (including a bug in a flow) has been
// answered and recorded.
func (d *Dispatcher) Dispatch(ctx context.Context, in Incoming) (Result, error) {
	in = in.Clean()
	if err := in.Validate(); err != nil {
		d.updates.WithLabelValues(in.Channel, "invalid").Inc()
		return Result{}, err
	}
	in, admitted := d.flood.admit(ctx, in)
	if !admitted {
		d.updates.WithLabelValues(in.Channel, "limited").Inc()
		return Result{}, nil
	}
	start := time.Now()
	defer func() { d.duration.WithLabelValues(in.Channel).Observe(time.Since(start).Seconds()) }()
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	log := d.cfg.Log.With("channel", in.Channel, "chat", Redact(in.ChatID), "update", Redact(in.UpdateID), "kind", in.Kind)

	lock, err := d.cfg.Redis.WaitLock(ctx, "chat:"+in.ChatKey(), d.cfg.Timeout+5*time.Second, d.cfg.LockWait)
	if err != nil {
		d.updates.WithLabelValues(in.Channel, "retry").Inc()
		return Result{}, fmt.Errorf("%w: chat lock: %w", ErrRetryLater, err)
	}
	defer func() {
		if err := lock.Release(context.WithoutCancel(ctx)); err != nil {
			log.Warn("release chat lock", "err", err)
		}
	}()

	res, err := d.handleOnce(ctx, in)
	if err == nil {
		d.finish(in, res)
		return res, nil
	}
	if storage.IsTransient(err) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		d.updates.WithLabelValues(in.Channel, "retry").Inc()
		log.Warn("update not handled, will be retried", "err", err)
		return Result{}, fmt.Errorf("%w: %w", ErrRetryLater, err)
	}
	// A bug, not the weather: retrying would fail the same way. Answer with an apology and
	// record the update, so it is neither lost in silence nor retried forever.
	var p errPanic
	if errors.As(err, &p) {
		log.Error("flow panicked", "err", err, "stack", string(p.stack))
	} else {
		log.Error("flow failed", "err", err)
	}
	res = Result{}
	ferr := d.cfg.DB.InTx(ctx, func(tx *storage.Tx) error {
		first, err := storage.MarkProcessed(ctx, tx, in.Channel, in.UpdateID, d.cfg.Clock.Now())
		if err != nil || !first {
			res.Duplicate = !first
			return err
		}
		return d.cfg.Handler.Fail(ctx, tx, in)
	})
	if ferr != nil {
		d.updates.WithLabelValues(in.Channel, "retry").Inc()
		return Result{}, fmt.Errorf("%w: answer a failed update: %w", ErrRetryLater, ferr)
	}
	d.updates.WithLabelValues(in.Channel, "failed").Inc()
	d.wake()
	return res, nil
}

func (d *Dispatcher) handleOnce(ctx context.Context, in Incoming) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errPanic{v: p, stack: debug.Stack()}
		}
	}()
	err = d.cfg.DB.InTx(ctx, func(tx *storage.Tx) error {
		first, err := storage.MarkProcessed(ctx, tx, in.Channel, in.UpdateID, d.cfg.Clock.Now())
		if err != nil {
			return err
		}
		if !first {
			res.Duplicate = true
			return nil
		}
		res, err = d.cfg.Handler.Handle(ctx, tx, in)
		return err
	})
	return res, err
}

func (d *Dispatcher) finish(in Incoming, res Result) {
	if res.Duplicate {
		d.updates.WithLabelValues(in.Channel, "duplicate").Inc()
		return
	}
	d.updates.WithLabelValues(in.Channel, "ok").Inc()
	d.wake()
}

func (d *Dispatcher) wake() {
	if d.cfg.Wake != nil {
		d.cfg.Wake()
	}
}
