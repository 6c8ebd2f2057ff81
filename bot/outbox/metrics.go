package outbox

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/insideaut/insidebot/storage"
)

type metrics struct {
	sent     *prometheus.CounterVec
	depth    *prometheus.GaugeVec
	held     *prometheus.GaugeVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "insidebot_messages_sent_total", Help: "Outbox deliveries by channel and result (sent, retry, rate_limited, failed, unreachable, expired: dropped as too late, held: kept until the person writes).",
		}, []string{"channel", "result"}),
		depth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "insidebot_outbox_depth", Help: "Undelivered outbox messages by channel and priority (0 conversation, 1 bulk).",
		}, []string{"channel", "priority"}),
		held: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "insidebot_outbox_held", Help: "Messages held until their recipient writes again (WhatsApp's 24-hour window closed), by channel.",
		}, []string{"channel"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "insidebot_send_duration_seconds", Help: "Time of one send call to a platform.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"channel"}),
	}
	if reg != nil {
		reg.MustRegister(m.sent, m.depth, m.held, m.duration)
	}
	return m
}

// depthInterval is how often the outbox depth gauge is refreshed.
const depthInterval = 15 * time.Second

func (s *Service) refreshDepths(ctx context.Context) {
	for {
		s.updateDepths(ctx)
		if sleep(ctx, depthInterval) != nil {
			return
		}
	}
}

func (s *Service) updateDepths(ctx context.Context) {
	depths, err := storage.OutboxDepths(ctx, s.cfg.DB)
	if err != nil {
		if ctx.Err() == nil {
			s.cfg.Log.Warn("outbox depth", "err", err)
		}
		return
	}
	s.metrics.depth.Reset()
	for ch := range s.senders {
		for _, p := range []int{storage.PriorityInteractive, storage.PriorityBulk} {
			s.metrics.depth.WithLabelValues(ch, strconv.Itoa(p)).Set(0)
		}
	}
	for _, d := range depths {
		s.metrics.depth.WithLabelValues(d.Channel, strconv.Itoa(d.Priority)).Set(float64(d.N))
	}
	held, err := storage.HeldCounts(ctx, s.cfg.DB)
	if err != nil {
		if ctx.Err() == nil {
			s.cfg.Log.Warn("held messages", "err", err)
		}
		return
	}
	s.metrics.held.Reset()
	for ch := range s.senders {
		s.metrics.held.WithLabelValues(ch).Set(0)
	}
	for _, h := range held {
		s.metrics.held.WithLabelValues(h.Channel).Set(float64(h.N))
	}
}
