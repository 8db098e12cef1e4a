// Package metrics holds the daemon's Prometheus metrics: what the scheduler
// and the deliverer did in this process (counters, histograms), and what the
// database holds for all replicas (read at each scrape). Each daemon has its
// own registry; nothing is global.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Stored is what the database says at a scrape: shared by every replica.
type Stored struct {
	// Outbox counts deliveries by state (pending, retry, sent, failed).
	Outbox map[string]int
	// LastSuccess is when each job last finished a run without error.
	LastSuccess map[string]time.Time
}

// Metrics is the daemon's registry and the instruments the packages report to.
type Metrics struct {
	Registry *prometheus.Registry

	runs        *prometheus.CounterVec
	missed      *prometheus.CounterVec
	lag         *prometheus.HistogramVec
	deliveries  *prometheus.CounterVec
	send        prometheus.Histogram
	reloads     *prometheus.CounterVec
	reloadOK    prometheus.Gauge
	reloadTime  prometheus.Gauge
	databaseUp  prometheus.Gauge
	readStored  func(ctx context.Context) (Stored, error)
	storedDescs struct{ outbox, depth, lastSuccess, up *prometheus.Desc }
	log         *slog.Logger
}

// New returns the metrics of one daemon. read, called at each scrape with a
// short deadline, reads the figures kept in the database.
func New(read func(ctx context.Context) (Stored, error), log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.Default()
	}
	m := &Metrics{Registry: prometheus.NewRegistry(), readStored: read, log: log}
	m.runs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tickler_job_runs_total",
		Help: "Job runs finished by this process, by job and result (done, failed).",
	}, []string{"job", "result"})
	m.missed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tickler_job_missed_slots_total",
		Help: "Scheduled slots that did not run, by job and reason: late (outside catchup_window), superseded (a later slot ran), overlap (fell during the previous run, overlap: skip).",
	}, []string{"job", "reason"})
	m.lag = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "tickler_job_start_lag_seconds",
		Help:    "Time between a slot and the start of its run.",
		Buckets: []float64{0.1, 1, 5, 30, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 86400, 7 * 86400},
	}, []string{"job"})
	m.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tickler_delivery_attempts_total",
		Help: "Delivery attempts made by this process, by outcome (sent, retry, failed).",
	}, []string{"result"})
	m.send = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "tickler_delivery_send_duration_seconds",
		Help:    "Time the transport took to take one message (SMTP session or .eml write).",
		Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
	})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tickler_config_reloads_total",
		Help: "Configuration reloads (SIGHUP), by result (success, failure).",
	}, []string{"result"})
	m.reloadOK = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "tickler_config_last_reload_successful",
		Help: "1 if the last configuration load or reload succeeded, 0 if it was rejected (the previous configuration stays in force).",
	})
	m.reloadTime = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "tickler_config_last_reload_success_timestamp_seconds",
		Help: "When the configuration in force was loaded, as a Unix time.",
	})
	m.databaseUp = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "tickler_scheduler_database_up",
		Help: "1 if the scheduler's last look reached the database, else 0.",
	})
	m.storedDescs.outbox = prometheus.NewDesc("tickler_outbox_deliveries",
		"Deliveries in the outbox by state (pending, retry, sent, failed), all replicas.", []string{"state"}, nil)
	m.storedDescs.depth = prometheus.NewDesc("tickler_outbox_depth",
		"Deliveries waiting to be sent (pending and retry), all replicas.", nil, nil)
	m.storedDescs.lastSuccess = prometheus.NewDesc("tickler_job_last_success_timestamp_seconds",
		"When each job last finished a run without error (any replica), as a Unix time.", []string{"job"}, nil)
	m.storedDescs.up = prometheus.NewDesc("tickler_database_up",
		"1 if the database answered this scrape, else 0.", nil, nil)
	m.Registry.MustRegister(m.runs, m.missed, m.lag, m.deliveries, m.send, m.reloads, m.reloadOK, m.reloadTime,
		m.databaseUp, storedCollector{m},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{ErrorLog: slogPrinter{m.log}})
}

// JobRun counts a finished run and records its lag.
func (m *Metrics) JobRun(job, result string, lag time.Duration, _ time.Time) {
	m.runs.WithLabelValues(job, result).Inc()
	m.lag.WithLabelValues(job).Observe(lag.Seconds())
}

// SlotsMissed counts slots that did not run.
func (m *Metrics) SlotsMissed(job, reason string, n int) {
	m.missed.WithLabelValues(job, reason).Add(float64(n))
}

// DatabaseUp records whether the scheduler reached the database.
func (m *Metrics) DatabaseUp(up bool) {
	if up {
		m.databaseUp.Set(1)
	} else {
		m.databaseUp.Set(0)
	}
}

// Delivered counts one delivery attempt (the Deliverer's Observe hook).
func (m *Metrics) Delivered(state string, took time.Duration) {
	m.deliveries.WithLabelValues(state).Inc()
	m.send.Observe(took.Seconds())
}

// ConfigLoaded records a configuration load or reload.
func (m *Metrics) ConfigLoaded(ok bool, at time.Time) {
	if ok {
		m.reloadOK.Set(1)
		m.reloadTime.Set(float64(at.Unix()))
		m.reloads.WithLabelValues("success").Inc()
		return
	}
	m.reloadOK.Set(0)
	m.reloads.WithLabelValues("failure").Inc()
}

// JobsKnown makes every job's series exist from the start at zero, so a
// dashboard's rate() sees the first run and failure.
func (m *Metrics) JobsKnown(jobs []string) {
	for _, j := range jobs {
		m.runs.WithLabelValues(j, "done")
		m.runs.WithLabelValues(j, "failed")
		// Present from the start at 0, so an alert on an increase works
		// before the first miss.
		for _, reason := range []string{"late", "superseded", "overlap"} {
			m.missed.WithLabelValues(j, reason)
		}
	}
	for _, r := range []string{"sent", "retry", "failed"} {
		m.deliveries.WithLabelValues(r)
	}
	m.reloads.WithLabelValues("success")
	m.reloads.WithLabelValues("failure")
}

// storedCollector reads the database's figures at each scrape. When the
// database does not answer in time, it reports tickler_database_up 0 and
// leaves the other series out rather than failing the scrape.
type storedCollector struct{ m *Metrics }

func (c storedCollector) Describe(ch chan<- *prometheus.Desc) {
	d := c.m.storedDescs
	ch <- d.outbox
	ch <- d.depth
	ch <- d.lastSuccess
	ch <- d.up
}

func (c storedCollector) Collect(ch chan<- prometheus.Metric) {
	d := c.m.storedDescs
	if c.m.readStored == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s, err := c.m.readStored(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(d.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(d.up, prometheus.GaugeValue, 1)
	counts := map[string]int{"pending": 0, "retry": 0, "sent": 0, "failed": 0}
	for state, n := range s.Outbox {
		counts[state] = n
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(d.outbox, prometheus.GaugeValue, float64(n), state)
	}
	ch <- prometheus.MustNewConstMetric(d.depth, prometheus.GaugeValue, float64(s.Outbox["pending"]+s.Outbox["retry"]))
	for job, at := range s.LastSuccess {
		ch <- prometheus.MustNewConstMetric(d.lastSuccess, prometheus.GaugeValue, float64(at.Unix()), job)
	}
}

// slogPrinter lets promhttp log through slog.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) { p.log.Warn("metrics", "err", v) }
