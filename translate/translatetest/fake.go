// Package translatetest is a fake LibreTranslate server for tests: GET /languages and POST
// /translate as LibreTranslate answers them, with a translation anyone can recognise
// ("[fr] text"), and a server that can be made slow, failing or gone.
package translatetest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Modes of the fake.
const (
	Well   = ""       // answers at once
	Slow   = "slow"   // /translate answers only when the caller gives up
	Broken = "broken" // /translate answers 500
)

// Server is the fake. Its languages are those given to New (LibreTranslate codes): each
// translates into every other.
type Server struct {
	srv   *httptest.Server
	langs []string

	mu       sync.Mutex
	mode     string
	requests []map[string]string
}

// New starts a fake translating between langs until the test ends.
func New(t testing.TB, langs ...string) *Server {
	s := &Server{langs: langs}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is TRANSLATE_URL for the fake.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server: a translation server that is gone.
func (s *Server) Close() { s.srv.Close() }

// Set changes how /translate answers.
func (s *Server) Set(mode string) {
	s.mu.Lock()
	s.mode = mode
	s.mu.Unlock()
}

// Requests are the bodies /translate received.
func (s *Server) Requests() []map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]string(nil), s.requests...)
}

// Translation is what the fake makes of text in target (a LibreTranslate code).
func Translation(text, target string) string { return "[" + target + "] " + text }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/languages":
		out := make([]map[string]any, 0, len(s.langs))
		for _, c := range s.langs {
			var targets []string
			for _, t := range s.langs {
				if t != c {
					targets = append(targets, t)
				}
			}
			out = append(out, map[string]any{"code": c, "name": c, "targets": targets})
		}
		_ = json.NewEncoder(w).Encode(out)
	case "/translate":
		var req map[string]string
		if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&req) != nil {
			http.Error(w, `{"error":"Invalid request"}`, http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.requests = append(s.requests, req)
		mode := s.mode
		s.mu.Unlock()
		switch mode {
		case Slow:
			<-r.Context().Done()
			return
		case Broken:
			http.Error(w, `{"error":"Internal Server Error"}`, http.StatusInternalServerError)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"translatedText": Translation(req["q"], req["target"])})
	default:
		http.NotFound(w, r)
	}
}
