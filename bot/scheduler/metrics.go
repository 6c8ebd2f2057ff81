package scheduler

import "github.com/prometheus/client_golang/prometheus"

// metrics count what the scheduler did with reminders (housekeeping is not a reminder).
type metrics struct {
	due      prometheus.Counter
	sent     prometheus.Counter
	dropped  *prometheus.CounterVec
	deferred prometheus.Counter
}

func newMetrics() metrics {
	return metrics{
		due: prometheus.NewCounter(prometheus.CounterOpts{Name: "insidebot_reminders_due_total",
			Help: "Reminders that came due and were finished (sent or dropped)."}),
		sent: prometheus.NewCounter(prometheus.CounterOpts{Name: "insidebot_reminders_sent_total",
			Help: "Reminders sent: messages queued, tutor alerts opened, digests queued, broadcasts started."}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "insidebot_reminders_dropped_total",
			Help: "Reminders not sent, by reason (late: the event had started; unreachable; erased; empty digest...)."}, []string{"reason"}),
		deferred: prometheus.NewCounter(prometheus.CounterOpts{Name: "insidebot_reminders_deferred_total",
			Help: "Reminders sent at another time than planned because of quiet hours."}),
	}
}

func (m metrics) register(r prometheus.Registerer) {
	r.MustRegister(m.due, m.sent, m.dropped, m.deferred)
}
