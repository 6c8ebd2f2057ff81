package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/insideaut/insidebot/storage"
)

// gaugeInterval is how often the project's gauges are read: a dashboard needs no fresher
// figures, and each read is three index lookups.
const gaugeInterval = time.Minute

// projectGauges are the project's own figures on /metrics, read from the database every
// gaugeInterval (not at each scrape). Every replica exports the same values: aggregate them
// with max, not sum.
type projectGauges struct {
	db            *storage.DB
	log           *slog.Logger
	beneficiaries *prometheus.GaugeVec
	alerts        *prometheus.GaugeVec
	reminders     prometheus.Gauge
}

func newProjectGauges(db *storage.DB, log *slog.Logger, reg prometheus.Registerer) *projectGauges {
	g := &projectGauges{db: db, log: log,
		beneficiaries: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "insidebot_beneficiaries",
			Help: "Beneficiaries by territory and status (invited, active, closed); erased people are not counted."}, []string{"territory", "status"}),
		alerts: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "insidebot_alerts_open",
			Help: "Alerts to tutors not handled yet, by kind."}, []string{"kind"}),
		reminders: prometheus.NewGauge(prometheus.GaugeOpts{Name: "insidebot_reminders_pending",
			Help: "Reminders planned and not sent yet."}),
	}
	reg.MustRegister(g.beneficiaries, g.alerts, g.reminders)
	return g
}

// refresh reads the figures; on a failure the gauges keep their last values.
func (g *projectGauges) refresh(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := storage.ReadGauges(ctx, g.db)
	if err != nil {
		g.log.Warn("project gauges not read", "err", err)
		return
	}
	g.beneficiaries.Reset()
	for _, b := range v.Beneficiaries {
		g.beneficiaries.WithLabelValues(b.Territory, b.Status).Set(float64(b.N))
	}
	g.alerts.Reset()
	for kind, n := range v.OpenAlerts {
		g.alerts.WithLabelValues(kind).Set(float64(n))
	}
	g.reminders.Set(float64(v.Reminders))
}

// run refreshes the gauges at once and then every gaugeInterval until ctx ends.
func (g *projectGauges) run(ctx context.Context) error {
	t := time.NewTicker(gaugeInterval)
	defer t.Stop()
	for {
		g.refresh(ctx)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
