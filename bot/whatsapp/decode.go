package whatsapp

import (
	"encoding/json"
	"errors"
	"math"
	"regexp"

	"github.com/insideaut/insidebot/bot"
)

// A correctly signed POST comes from Meta, which delivers again whatever is not answered 200,
// for days. So the body is read one element at a time: a message, a status or a contact the
// bot cannot use (a wrong JSON type, an id with a NUL byte, an error code no column holds) is
// dropped with one log line and counted, and the rest of the POST is handled.

// change is one "messages" change of a POST, its elements checked.
type change struct {
	phoneNumberID string
	contacts      []inContact
	messages      []inMessage
	statuses      []inStatus
}

var (
	// phoneNumber is a wa_id: digits only (E.164 without the +).
	phoneNumber = regexp.MustCompile(`^[0-9]{5,20}$`)
	// userID is a business-scoped user id: a two-letter country code, a dot, then letters and
	// digits ("IT.13491208655302741918"; a parent id has ".ENT." in the middle).
	userID = regexp.MustCompile(`^[A-Za-z]{2}\.[A-Za-z0-9._-]{1,160}$`)
	// platformID is a wamid and the like: printable ASCII.
	platformID = regexp.MustCompile(`^[\x21-\x7e]{1,256}$`)
)

// maxPayloadID is the longest button or list row id WhatsApp sends back.
const maxPayloadID = 256

// decode reads a POST's body. Only a body that is not a JSON object with an entry list is an
// error; anything wrong below that drops the element it is in.
func (c *Channel) decode(body []byte) ([]change, error) {
	var top struct {
		Entry []json.RawMessage `json:"entry"`
	}
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, err
	}
	var out []change
	for _, raw := range top.Entry {
		var e struct {
			Changes []json.RawMessage `json:"changes"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			c.drop("entry", shapeReason(err))
			continue
		}
		for _, rc := range e.Changes {
			var ch struct {
				Field string `json:"field"`
				Value struct {
					Metadata struct {
						PhoneNumberID string `json:"phone_number_id"`
					} `json:"metadata"`
					Contacts []json.RawMessage `json:"contacts"`
					Messages []json.RawMessage `json:"messages"`
					Statuses []json.RawMessage `json:"statuses"`
				} `json:"value"`
			}
			if err := json.Unmarshal(rc, &ch); err != nil {
				c.drop("change", shapeReason(err))
				continue
			}
			if ch.Field != "messages" {
				continue
			}
			v := ch.Value
			got := change{phoneNumberID: v.Metadata.PhoneNumberID}
			for _, r := range v.Contacts {
				var ct inContact
				if reason := decodeElement(r, &ct, checkContact); reason != "" {
					c.drop("contact", reason)
					continue
				}
				got.contacts = append(got.contacts, ct)
			}
			for _, r := range v.Messages {
				var m inMessage
				if reason := decodeElement(r, &m, checkMessage); reason != "" {
					c.drop("message", reason)
					continue
				}
				got.messages = append(got.messages, fillSender(m, got.contacts))
			}
			for _, r := range v.Statuses {
				var s inStatus
				if reason := decodeElement(r, &s, checkStatus); reason != "" {
					c.drop("status", reason)
					continue
				}
				got.statuses = append(got.statuses, s)
			}
			out = append(out, got)
		}
	}
	return out, nil
}

// drop logs and counts an element left out. The reason never carries the element's values
// (they may be a phone number).
func (c *Channel) drop(element, reason string) {
	c.metrics.dropped.WithLabelValues(element).Inc()
	c.log.Warn("webhook element dropped", "element", element, "reason", reason)
}

func decodeElement[T any](raw json.RawMessage, dst *T, check func(*T) string) string {
	if err := json.Unmarshal(raw, dst); err != nil {
		return shapeReason(err)
	}
	return check(dst)
}

// shapeReason says what is wrong with an element's JSON without quoting it.
func shapeReason(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "wrong JSON type for " + te.Field
	}
	return "not the expected JSON"
}

func checkContact(ct *inContact) string {
	switch {
	case ct.WaID != "" && !phoneNumber.MatchString(ct.WaID):
		return "wa_id is not a phone number"
	case ct.UserID != "" && !userID.MatchString(ct.UserID):
		return "user_id is not a business-scoped user id"
	}
	return ""
}

func checkMessage(m *inMessage) string {
	switch {
	case !platformID.MatchString(m.ID):
		return "no message id, or not one WhatsApp gives"
	case m.From == "" && m.FromUserID == "":
		return "no sender"
	case m.From != "" && !phoneNumber.MatchString(m.From):
		return "from is not a phone number"
	case m.FromUserID != "" && !userID.MatchString(m.FromUserID):
		return "from_user_id is not a business-scoped user id"
	case len(m.Type) > 64 || bot.HasUnwanted(m.Type):
		return "type is not one WhatsApp gives"
	}
	if i := m.Interactive; i != nil {
		for _, r := range []*struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		}{i.ButtonReply, i.ListReply} {
			if r != nil && len(r.ID) > maxPayloadID {
				return "reply id longer than WhatsApp allows"
			}
		}
	}
	if m.Button != nil && len(m.Button.Payload) > maxPayloadID {
		return "button payload longer than WhatsApp allows"
	}
	return ""
}

func checkStatus(s *inStatus) string {
	switch {
	case !platformID.MatchString(s.ID):
		return "no message id, or not one WhatsApp gives"
	case len(s.Status) > 32 || bot.HasUnwanted(s.Status):
		return "status is not one WhatsApp gives"
	case s.RecipientID != "" && !phoneNumber.MatchString(s.RecipientID):
		return "recipient_id is not a phone number"
	case s.RecipientUserID != "" && !userID.MatchString(s.RecipientUserID):
		return "recipient_user_id is not a business-scoped user id"
	}
	for _, e := range s.Errors {
		if e.Code < 0 || e.Code > math.MaxInt32 {
			return "error code out of range"
		}
	}
	if s.RecipientID == "" {
		// Sent to a user id: the chat is the user id.
		s.RecipientID = s.RecipientUserID
	}
	return ""
}

// fillSender completes a message's sender from the change's contacts: a contact showing the
// one id the message has also gives the other.
func fillSender(m inMessage, contacts []inContact) inMessage {
	for _, ct := range contacts {
		switch {
		case m.From == "" && m.FromUserID != "" && ct.UserID == m.FromUserID && ct.WaID != "":
			m.From = ct.WaID
		case m.FromUserID == "" && m.From != "" && ct.WaID == m.From && ct.UserID != "":
			m.FromUserID = ct.UserID
		}
	}
	return m
}
