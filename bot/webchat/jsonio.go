package webchat

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// maxBody is the largest request body the API reads.
const maxBody = 16 << 10

// apiError is the body of every error answer: a stable code the page maps to a localized text,
// and a precise message for whoever calls the API by hand.
type apiError struct {
	Error        string `json:"error"`
	Message      string `json:"message"`
	RetryAfterMS int64  `json:"retry_after_ms,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, apiError{Error: code, Message: message})
}

// writeRetry answers 429 or 503 with how long to wait.
func writeRetry(w http.ResponseWriter, status int, code, message string, after time.Duration) {
	if after < time.Second {
		after = time.Second
	}
	w.Header().Set("Retry-After", strconv.Itoa(int((after+time.Second-1)/time.Second)))
	writeJSON(w, status, apiError{Error: code, Message: message, RetryAfterMS: after.Milliseconds()})
}

// readJSON decodes a request body of at most maxBody bytes holding exactly one JSON object
// with no unknown fields. It answers the error itself and returns false when it cannot.
func readJSON(w http.ResponseWriter, r *http.Request, dst any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("more than one JSON value")
		}
	}
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the body is over %d bytes", maxBody))
	case errors.Is(err, io.EOF):
		writeError(w, http.StatusBadRequest, "bad_json", "the body is empty: send a JSON object")
	default:
		writeError(w, http.StatusBadRequest, "bad_json", "the body is not a valid JSON object of this endpoint: "+err.Error())
	}
	return false
}
