package config

import (
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
)

// Reloader holds the configuration in force and reloads it from its file
// (Alertmanager's coordinator): a file that does not load is refused with
// its errors and the last good configuration stays; a good one replaces it,
// and the subscribers are told. What is read at start only (the database,
// the transport, the HTTP address) is logged as taking effect at the next
// restart.
type Reloader struct {
	path    string
	log     *slog.Logger
	current atomic.Pointer[Config]

	mu   sync.Mutex
	subs []func(ok bool)
}

// NewReloader starts from cfg, loaded from path.
func NewReloader(path string, cfg *Config, log *slog.Logger) *Reloader {
	r := &Reloader{path: path, log: log}
	r.current.Store(cfg)
	return r
}

// Current is the configuration in force.
func (r *Reloader) Current() *Config { return r.current.Load() }

// Subscribe has fn told of each reload, good (ok) or refused.
func (r *Reloader) Subscribe(fn func(ok bool)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subs = append(r.subs, fn)
}

// Reload loads the file again. On an error the configuration in force
// stays, and the error is logged and returned.
func (r *Reloader) Reload() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	next, err := Load(r.path)
	if err != nil {
		r.log.Error("reload rejected; keeping the last good configuration", "config", r.path, "err", err)
		r.tell(false)
		return err
	}
	for _, key := range RestartKeys(r.current.Load(), next) {
		r.log.Warn("reload: this change takes effect at the next restart", "key", key)
	}
	r.current.Store(next)
	r.log.Info("configuration reloaded", "config", r.path)
	for _, w := range next.AllWarnings() {
		r.log.Warn("configuration", "warning", w)
	}
	r.tell(true)
	return nil
}

func (r *Reloader) tell(ok bool) {
	for _, fn := range r.subs {
		fn(ok)
	}
}

// RestartKeys lists the keys that differ between prev and next and are read
// at start only.
func RestartKeys(prev, next *Config) []string {
	var keys []string
	for _, c := range []struct {
		key     string
		changed bool
	}{
		{"database", prev.Database.Driver != next.Database.Driver || prev.Database.DSN != next.Database.DSN},
		{"http.listen", prev.HTTP.Listen != next.HTTP.Listen},
		{"http.auth", prev.HTTP.Auth != next.HTTP.Auth},
		{"http.public_listen", prev.HTTP.PublicListen != next.HTTP.PublicListen || !slices.Equal(prev.HTTP.TrustedProxies, next.HTTP.TrustedProxies)},
		{"http.link_secret_file", prev.HTTP.LinkSecretFile != next.HTTP.LinkSecretFile || prev.HTTP.LinkSecret != next.HTTP.LinkSecret},
		{"mail.transport", prev.Mail.Transport != next.Mail.Transport || prev.Mail.OutboxDir != next.Mail.OutboxDir || prev.Mail.SMTP != next.Mail.SMTP},
		{"mail.templates_dir", prev.Mail.TemplatesDir != next.Mail.TemplatesDir},
		{"mail.delivery", prev.Mail.Delivery != next.Mail.Delivery},
		// The sender's From and Reply-To headers are set when it starts; the
		// messages' signature follows the new name at once.
		{"mail.from / mail.reply_to (the headers)", prev.Mail.From != next.Mail.From || prev.Mail.ReplyTo != next.Mail.ReplyTo},
	} {
		if c.changed {
			keys = append(keys, c.key)
		}
	}
	return keys
}
