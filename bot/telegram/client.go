// Package telegram is the Telegram channel: it reads updates (long polling by one replica at a
// time, or a webhook checked with its secret), turns them into bot.Incoming for the dispatcher,
// answers every button press, and delivers queued bot.Outgoing messages within Telegram's
// limits, with failures classified for the outbox.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/insideaut/insidebot/bot"
)

// DefaultEndpoint is Telegram's Bot API, in go-telegram-bot-api's format (token, method).
const DefaultEndpoint = tgbotapi.APIEndpoint

// callTimeout bounds one Bot API call other than a long poll.
const callTimeout = 15 * time.Second

// Client talks to the Bot API through go-telegram-bot-api, with timeouts and a context per
// call. It never logs, and its errors never carry the token (the library puts it in every URL).
type Client struct {
	api  *tgbotapi.BotAPI
	http *http.Client
	// files is where files are downloaded from (media.go): the endpoint's /file/bot%s/%s.
	files string
}

// NewHTTPClient is the HTTP client the Bot API is reached with: bounded connection, TLS and
// overall times (the library's default has none), and enough idle connections for a busy bot.
func NewHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = 10 * time.Second
	tr.MaxIdleConns = 128
	tr.MaxIdleConnsPerHost = 64
	tr.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: tr, Timeout: 90 * time.Second}
}

// NewClient connects to the Bot API at endpoint (DefaultEndpoint when empty) and reads the bot's
// own account with getMe. hc may be nil (NewHTTPClient is used).
func NewClient(ctx context.Context, token, endpoint string, hc *http.Client) (*Client, error) {
	if token == "" {
		return nil, errors.New("telegram: no bot token")
	}
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	if hc == nil {
		hc = NewHTTPClient()
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	cc := &callClient{ctx: ctx, c: hc}
	api, err := tgbotapi.NewBotAPIWithClient(token, endpoint, cc)
	if err != nil {
		return nil, fmt.Errorf("telegram getMe: %w", classify(err, cc.status))
	}
	api.Client = hc
	return &Client{api: api, http: hc, files: fileEndpoint(endpoint)}, nil
}

// Username is the bot's username as Telegram knows it (for t.me deep links).
func (c *Client) Username() string { return c.api.Self.UserName }

// request runs a Bot API method with ctx (bounded by timeout) and returns the raw answer; a
// failure is a classified *bot.SendError.
func (c *Client) request(ctx context.Context, timeout time.Duration, cfg tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	return c.do(ctx, timeout, func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return api.Request(cfg) })
}

// raw runs a method through MakeRequest: for calls whose config lacks a field (setWebhook's
// secret_token).
func (c *Client) raw(ctx context.Context, timeout time.Duration, method string, params tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	return c.do(ctx, timeout, func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return api.MakeRequest(method, params) })
}

func (c *Client) do(ctx context.Context, timeout time.Duration, call func(*tgbotapi.BotAPI) (*tgbotapi.APIResponse, error)) (*tgbotapi.APIResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cc := &callClient{ctx: ctx, c: c.http}
	api := *c.api // a copy per call, so the call has its own context and status
	api.Client = cc
	resp, err := call(&api)
	if err != nil {
		return resp, classify(err, cc.status)
	}
	return resp, nil
}

// send runs a method that answers with a Message and returns the message id.
func (c *Client) send(ctx context.Context, cfg tgbotapi.Chattable) (int, error) {
	return c.sendWithin(ctx, callTimeout, cfg)
}

// callClient runs one request with a context and records the HTTP status, which the library
// drops (the emulator answers 500 without an error_code; uploads lose the code).
type callClient struct {
	ctx    context.Context
	c      *http.Client
	status int
}

func (cc *callClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := cc.c.Do(req.WithContext(cc.ctx))
	if err != nil {
		return nil, &transportError{method: path.Base(req.URL.Path), err: stripURL(err)}
	}
	cc.status = resp.StatusCode
	return resp, nil
}

// transportError is a request that got no answer. It names the method, never the URL (the URL
// holds the token).
type transportError struct {
	method string
	err    error
}

func (e *transportError) Error() string { return e.method + ": " + e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// classify turns a failed call into a *bot.SendError.
func classify(err error, status int) *bot.SendError {
	var se *bot.SendError
	if errors.As(err, &se) {
		return se
	}
	var te *transportError
	if errors.As(err, &te) {
		reason := "network error"
		if errors.Is(te.err, context.DeadlineExceeded) {
			reason = "timeout"
		}
		return &bot.SendError{Class: bot.Retryable, Reason: te.method + ": " + reason}
	}
	var ae *tgbotapi.Error
	if errors.As(err, &ae) {
		code := ae.Code
		if code == 0 {
			code = status
		}
		desc := ae.Message
		if desc == "" {
			desc = http.StatusText(code)
		}
		switch {
		case code == http.StatusTooManyRequests || ae.RetryAfter > 0:
			wait := time.Duration(ae.RetryAfter) * time.Second
			if wait <= 0 {
				wait = time.Second
			}
			return &bot.SendError{Class: bot.RateLimited, RetryAfter: wait, Code: http.StatusTooManyRequests, Reason: desc}
		case code == http.StatusForbidden || unreachableText(desc):
			return &bot.SendError{Class: bot.Unreachable, Code: code, Reason: desc}
		case code >= 400 && code < 500:
			return &bot.SendError{Class: bot.Permanent, Code: code, Reason: desc}
		}
		return &bot.SendError{Class: bot.Retryable, Code: code, Reason: desc}
	}
	if status >= 400 && status < 500 && status != http.StatusTooManyRequests {
		return &bot.SendError{Class: bot.Permanent, Code: status, Reason: http.StatusText(status)}
	}
	// An answer that is not the Bot API's JSON (a proxy's error page, a cut connection).
	return &bot.SendError{Class: bot.Retryable, Code: status, Reason: "unreadable answer from the Bot API"}
}

// unreachableText recognises the answers that mean the chat is gone for good.
func unreachableText(desc string) bool {
	d := strings.ToLower(desc)
	for _, s := range []string{"bot was blocked by the user", "user is deactivated", "chat not found", "bot was kicked"} {
		if strings.Contains(d, s) {
			return true
		}
	}
	return false
}

// isServerError tells whether a failure is the server's 5xx (a method it does not implement,
// like the emulator's sendPhoto, or a real outage).
func isServerError(err error) bool {
	var se *bot.SendError
	return errors.As(err, &se) && se.Class == bot.Retryable && se.Code >= 500
}
