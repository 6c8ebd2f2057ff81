// Package whatsapp is the WhatsApp Cloud API channel: the signed webhook that turns Meta's
// payloads into bot.Incoming and records delivery statuses, and the bot.Sender that renders a
// bot.Outgoing within WhatsApp's limits, keeps to the 24-hour window with approved templates,
// and classifies the Graph API's errors.
package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot"
)

// client calls the Graph API for one business phone number.
type client struct {
	base    string // WHATSAPP_API_URL, e.g. https://graph.facebook.com/v21.0
	phoneID string
	token   string
	http    *http.Client
	// contact is told the phone number and user id a send response shows for a recipient.
	contact func(ctx context.Context, phone, userID string)
}

// NewHTTPClient is an http.Client with the timeouts the Graph API calls need.
func NewHTTPClient() *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: 20 * time.Second,
			MaxIdleConnsPerHost:   16,
			IdleConnTimeout:       90 * time.Second,
		},
	}
}

// graphError is the error object of a Graph API answer.
type graphError struct {
	Message   string `json:"message"`
	Type      string `json:"type"`
	Code      int    `json:"code"`
	Subcode   int    `json:"error_subcode"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
}

// sendMessage posts one message and returns its wamid.
func (c *client) sendMessage(ctx context.Context, m message) (string, error) {
	m.MessagingProduct, m.RecipientType = "whatsapp", "individual"
	body, err := json.Marshal(m)
	if err != nil {
		return "", &bot.SendError{Class: bot.Permanent, Reason: "message cannot be encoded"}
	}
	var out struct {
		Contacts []struct {
			WaID   string `json:"wa_id"`
			UserID string `json:"user_id"`
		} `json:"contacts"`
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	if err := c.do(ctx, "/messages", "application/json", bytes.NewReader(body), &out); err != nil {
		return "", err
	}
	if len(out.Messages) == 0 || out.Messages[0].ID == "" {
		return "", &bot.SendError{Class: bot.Retryable, Code: http.StatusOK, Reason: "graph api answered without a message id"}
	}
	if len(out.Contacts) > 0 && out.Contacts[0].WaID != "" && out.Contacts[0].UserID != "" && c.contact != nil {
		c.contact(ctx, out.Contacts[0].WaID, out.Contacts[0].UserID)
	}
	return out.Messages[0].ID, nil
}

// uploadMedia uploads a file for this number and returns its media id.
func (c *client) uploadMedia(ctx context.Context, f bot.File) (string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("messaging_product", "whatsapp")
	_ = w.WriteField("type", f.MIME)
	h := make(textproto.MIMEHeader)
	name := f.Name
	if name == "" {
		name = "file"
	}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", f.MIME)
	part, err := w.CreatePart(h)
	if err == nil {
		_, err = part.Write(f.Data)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return "", &bot.SendError{Class: bot.Permanent, Reason: "file cannot be encoded"}
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := c.do(ctx, "/media", w.FormDataContentType(), &buf, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", &bot.SendError{Class: bot.Retryable, Code: http.StatusOK, Reason: "graph api answered without a media id"}
	}
	return out.ID, nil
}

// do posts to /{phone_number_id}{path} and decodes a success into out. Every failure is a
// *bot.SendError whose reason never carries the token.
func (c *client) do(ctx context.Context, path, contentType string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/"+url.PathEscape(c.phoneID)+path, body)
	if err != nil {
		return &bot.SendError{Class: bot.Permanent, Reason: "WHATSAPP_API_URL does not make a valid request URL"}
	}
	req.Header.Set("Content-Type", contentType)
	return c.roundTrip(req, out)
}

// roundTrip makes an authorized Graph API request and decodes a success into out.
func (c *client) roundTrip(req *http.Request, out any) error {
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return &bot.SendError{Class: bot.Retryable, Reason: c.scrub("graph api unreachable: " + transportReason(err))}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return &bot.SendError{Class: bot.Retryable, Code: resp.StatusCode, Reason: "graph api answer cut short"}
	}
	if resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(raw, out); err != nil {
			return &bot.SendError{Class: bot.Retryable, Code: resp.StatusCode, Reason: "graph api answer is not JSON"}
		}
		return nil
	}
	var e struct {
		Error graphError `json:"error"`
	}
	_ = json.Unmarshal(raw, &e)
	se := classify(resp.StatusCode, e.Error)
	se.Reason = c.scrub(se.Reason)
	if d, ok := retryAfter(resp.Header.Get("Retry-After")); ok && se.Class == bot.Retryable {
		se.Class, se.RetryAfter = bot.RateLimited, d
	}
	return se
}

// scrub keeps the token out of a reason, whatever the platform echoed.
func (c *client) scrub(s string) string {
	if c.token != "" {
		s = strings.ReplaceAll(s, c.token, "[redacted]")
	}
	return s
}

// transportReason describes a failed round trip without the URL (which names the number id).
func transportReason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	return err.Error()
}

func retryAfter(v string) (time.Duration, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}
