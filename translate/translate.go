// Package translate is an optional machine translation client for a self-hosted
// LibreTranslate server (TRANSLATE_URL): POST /translate and GET /languages.
//
// It never holds a message up and never loses one: a translation gets a short time (Timeout);
// a slow, absent or failing server gives the original text back with Translated false, the
// failure counted in insidebot_translation_failures_total{reason}, and after a server that did
// not answer, translations are not tried for a while (Backoff), so only one message pays the
// wait. A language the server lacks (read from /languages, refreshed by Run) is no failure: the
// text stays as it is. Translations are cached in Redis per text and language pair for a day:
// repeated texts (a lead, a broadcast to many) are translated once, and a person's words do
// not outlive the day in the cache (erasure cannot find them there: they are keyed by a hash).
package translate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/storage"
)

// Defaults.
const (
	DefaultTimeout  = 2 * time.Second
	DefaultRefresh  = time.Hour
	DefaultCacheTTL = 24 * time.Hour
	DefaultBackoff  = 30 * time.Second
	// retryLanguages is how soon a failed read of /languages is tried again by Run.
	retryLanguages = time.Minute
	// maxAnswer bounds what is read of an answer.
	maxAnswer = 1 << 20
)

// Failure reasons, the label of insidebot_translation_failures_total.
const (
	ReasonTimeout     = "timeout"     // no answer within Timeout
	ReasonUnreachable = "unreachable" // no connection
	ReasonServer      = "server"      // a 5xx answer
	ReasonRefused     = "refused"     // a 4xx answer: a bad key, a text over the server's limit
	ReasonAnswer      = "answer"      // an answer that is not LibreTranslate's
	ReasonBackoff     = "backoff"     // not tried: the server did not answer a moment ago
	ReasonLanguages   = "languages"   // the list of languages could not be read
)

// Config wires a Client. An empty URL gives a client that never translates.
type Config struct {
	URL        string // TRANSLATE_URL, e.g. http://libretranslate:5000
	APIKey     string // TRANSLATE_API_KEY, when the server asks for one
	Timeout    time.Duration
	Refresh    time.Duration
	CacheTTL   time.Duration
	Backoff    time.Duration
	HTTPClient *http.Client
	Redis      *storage.Redis // the cache; nil: no cache
	Clock      clock.Clock
	Metrics    prometheus.Registerer
	Log        *slog.Logger
}

// Result is a text, translated or not.
type Result struct {
	Text       string
	Translated bool // false: Text is the original (no server, same language, a language the server lacks, a failure)
}

// Client translates through LibreTranslate. A nil *Client never translates.
type Client struct {
	cfg      Config
	failures *prometheus.CounterVec

	mu     sync.RWMutex
	langs  map[string]map[string]bool // source -> targets
	loaded bool
	// downUntil is when the server may be tried again after it did not answer (unix nanos).
	downUntil atomic.Int64
}

// New builds the client.
func New(cfg Config) *Client {
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Refresh <= 0 {
		cfg.Refresh = DefaultRefresh
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = DefaultCacheTTL
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 8,
			IdleConnTimeout:     90 * time.Second,
		}}
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	c := &Client{cfg: cfg, failures: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "insidebot_translation_failures_total",
		Help: "Machine translations not done (the original text went instead), by reason: timeout, unreachable, server, refused, answer, backoff, languages.",
	}, []string{"reason"})}
	if cfg.Metrics != nil && cfg.URL != "" {
		cfg.Metrics.MustRegister(c.failures)
	}
	return c
}

// Enabled tells whether TRANSLATE_URL is set.
func (c *Client) Enabled() bool { return c != nil && c.cfg.URL != "" }

// Code is the LibreTranslate code of one of the bot's languages: Dari (fa-AF) is Persian (fa);
// the others are their own code.
func Code(locale string) string {
	switch strings.ToLower(locale) {
	case "fa-af", "prs", "fa":
		return "fa"
	}
	base, _, _ := strings.Cut(strings.ToLower(locale), "-")
	return base
}

// Translate turns text from one of the bot's languages (from; "" to let the server detect it)
// into another (to). It returns within Timeout whatever the server does; the original text
// comes back, not translated, when there is no server, the languages are the same, the server
// lacks one of them, or it fails.
func (c *Client) Translate(ctx context.Context, text, from, to string) Result {
	orig := Result{Text: text}
	if !c.Enabled() || strings.TrimSpace(text) == "" || to == "" {
		return orig
	}
	src, tgt := "auto", Code(to)
	if from != "" {
		src = Code(from)
	}
	if src == tgt {
		return orig
	}
	// One deadline for all the server is asked on the way.
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	if reason := c.ensureLanguages(ctx); reason != "" {
		c.fail(reason)
		return orig
	}
	if !c.supports(src, tgt) {
		return orig
	}
	key := c.cacheKey(src, tgt, text)
	if v, ok := c.cached(ctx, key); ok {
		return Result{Text: v, Translated: true}
	}
	if c.down() {
		c.fail(ReasonBackoff)
		return orig
	}
	out, reason := c.translate(ctx, text, src, tgt)
	if reason != "" {
		c.fail(reason)
		return orig
	}
	c.store(ctx, key, out)
	return Result{Text: out, Translated: true}
}

// Supports tells whether texts in the bot's language from can be translated into its language
// to ("" for from: any), as far as the server's languages are known. A conversation uses it to
// say, before sending, who would get a translation (the broadcast preview).
func (c *Client) Supports(ctx context.Context, from, to string) bool {
	if !c.Enabled() || c.ensureLanguages(ctx) != "" {
		return false
	}
	src := "auto"
	if from != "" {
		src = Code(from)
	}
	return src != Code(to) && c.supports(src, Code(to))
}

// Knows is Supports without asking the server anything: it answers from the languages last
// read (false before they are), so it may run inside a transaction.
func (c *Client) Knows(from, to string) bool {
	if !c.Enabled() {
		return false
	}
	src := "auto"
	if from != "" {
		src = Code(from)
	}
	return src != Code(to) && c.supports(src, Code(to))
}

// ensureLanguages reads the server's languages if Run has not yet: "" when they are known,
// otherwise why not.
func (c *Client) ensureLanguages(ctx context.Context) string {
	c.mu.RLock()
	loaded := c.loaded
	c.mu.RUnlock()
	switch {
	case loaded:
		return ""
	case c.down():
		return ReasonBackoff
	case c.Refresh(ctx) != nil:
		return ReasonLanguages
	}
	return ""
}

// supports tells whether the languages read allow src to tgt (LibreTranslate codes; "auto"
// for any source).
func (c *Client) supports(src, tgt string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if src == "auto" {
		for _, targets := range c.langs {
			if targets[tgt] {
				return true
			}
		}
		return false
	}
	return c.langs[src][tgt]
}

// Languages lists the LibreTranslate codes the server translates into, as last read.
func (c *Client) Languages() []string {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	seen := map[string]bool{}
	var out []string
	for _, targets := range c.langs {
		for t := range targets {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// Run reads the server's languages now and every Refresh (a minute after a failure) until ctx
// ends. Without a server it returns at once.
func (c *Client) Run(ctx context.Context) error {
	if !c.Enabled() {
		return nil
	}
	for {
		wait := c.cfg.Refresh
		if err := c.Refresh(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c.fail(ReasonLanguages)
			c.cfg.Log.Warn("translation server's languages not read: texts stay in their language meanwhile", "err", err)
			wait = retryLanguages
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// language is an entry of GET /languages. Servers before "targets" existed translate between
// all their languages.
type language struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Targets []string `json:"targets"`
}

// Refresh reads GET /languages.
func (c *Client) Refresh(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.cfg.URL+"/languages", nil)
	if err != nil {
		return fmt.Errorf("TRANSLATE_URL does not make a valid URL: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	var list []language
	if reason := c.do(req, &list); reason != "" {
		return fmt.Errorf("GET /languages: %s", reason)
	}
	all := map[string]bool{}
	for _, l := range list {
		all[l.Code] = true
	}
	langs := make(map[string]map[string]bool, len(list))
	for _, l := range list {
		targets := map[string]bool{}
		if l.Targets == nil {
			for code := range all {
				targets[code] = code != l.Code
			}
		}
		for _, t := range l.Targets {
			targets[t] = t != l.Code
		}
		langs[l.Code] = targets
	}
	c.mu.Lock()
	c.langs, c.loaded = langs, true
	c.mu.Unlock()
	return nil
}

// translate asks POST /translate and returns the translation, or the reason it failed.
func (c *Client) translate(ctx context.Context, text, src, tgt string) (string, string) {
	body, err := json.Marshal(map[string]string{"q": text, "source": src, "target": tgt, "format": "text", "api_key": c.cfg.APIKey})
	if err != nil {
		return "", ReasonAnswer
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL+"/translate", bytes.NewReader(body))
	if err != nil {
		return "", ReasonUnreachable
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	var out struct {
		TranslatedText string `json:"translatedText"`
	}
	if reason := c.do(req, &out); reason != "" {
		return "", reason
	}
	if strings.TrimSpace(out.TranslatedText) == "" {
		return "", ReasonAnswer
	}
	return out.TranslatedText, ""
}

// do runs a request and decodes a 200 answer into out; it returns the failure's reason, and
// marks the server down when it did not answer or answered 5xx.
func (c *Client) do(req *http.Request, out any) string {
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		c.markDown()
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
			return ReasonTimeout
		}
		return ReasonUnreachable
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	switch {
	case err != nil:
		c.markDown()
		if errors.Is(err, context.DeadlineExceeded) {
			return ReasonTimeout
		}
		return ReasonUnreachable
	case resp.StatusCode >= 500:
		c.markDown()
		return ReasonServer
	case resp.StatusCode != http.StatusOK:
		return ReasonRefused
	}
	if json.Unmarshal(raw, out) != nil {
		return ReasonAnswer
	}
	return ""
}

func (c *Client) markDown() {
	c.downUntil.Store(c.cfg.Clock.Now().Add(c.cfg.Backoff).UnixNano())
}

func (c *Client) down() bool {
	return c.cfg.Clock.Now().UnixNano() < c.downUntil.Load()
}

func (c *Client) fail(reason string) { c.failures.WithLabelValues(reason).Inc() }

func (c *Client) cacheKey(src, tgt, text string) string {
	sum := sha256.Sum256([]byte(text))
	if c.cfg.Redis == nil {
		return ""
	}
	return c.cfg.Redis.Key("translate", src, tgt, hex.EncodeToString(sum[:]))
}

func (c *Client) cached(ctx context.Context, key string) (string, bool) {
	if key == "" {
		return "", false
	}
	v, err := c.cfg.Redis.Client().Get(ctx, key).Result()
	if err != nil {
		if !errors.Is(err, redis.Nil) {
			c.cfg.Log.Warn("translation cache unavailable", "err", err)
		}
		return "", false
	}
	return v, true
}

func (c *Client) store(ctx context.Context, key, text string) {
	if key == "" {
		return
	}
	if err := c.cfg.Redis.Client().Set(ctx, key, text, c.cfg.CacheTTL).Err(); err != nil {
		c.cfg.Log.Warn("translation not cached", "err", err)
	}
}
