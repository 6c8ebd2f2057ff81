package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

const testToken = "123456:TEST-secret-token"

// call is one request the fake Bot API received.
type call struct {
	Method string
	Params url.Values
	Files  map[string][]byte
}

// reply is a scripted answer: an HTTP status and a JSON body.
type reply struct {
	status int
	body   string
}

// fakeAPI is an httptest Bot API: it records calls and answers from a script per method
// (then the default: ok with a message).
type fakeAPI struct {
	t      testing.TB
	srv    *httptest.Server
	mu     sync.Mutex
	calls  []call
	script map[string][]reply
	msgID  int
	// updates are returned by getUpdates, one batch per call.
	updates [][]string
	// files are served by getFile and /file/bot<token>/<path>, by file_id.
	files map[string][]byte
	// downloads counts the files served.
	downloads int
}

func newFakeAPI(t testing.TB) *fakeAPI {
	f := &fakeAPI{t: t, script: map[string][]reply{}, files: map[string][]byte{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// endpoint is the TELEGRAM_API_ENDPOINT pointing at the fake.
func (f *fakeAPI) endpoint() string { return f.srv.URL + "/bot%s/%s" }

func (f *fakeAPI) client(t testing.TB) *Client {
	c, err := NewClient(context.Background(), testToken, f.endpoint(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// on scripts the next answers of a method.
func (f *fakeAPI) on(method string, replies ...reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[method] = append(f.script[method], replies...)
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) == 4 && parts[0] == "file" && parts[1] == "bot"+testToken {
		f.serveFile(w, strings.TrimSuffix(parts[3], ".bin"))
		return
	}
	if len(parts) != 2 || parts[0] != "bot"+testToken {
		http.Error(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`, http.StatusUnauthorized)
		return
	}
	method := parts[1]
	c := call{Method: method, Params: url.Values{}, Files: map[string][]byte{}}
	mt, mp, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		mr := multipart.NewReader(r.Body, mp["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			if p.FileName() != "" {
				c.Files[p.FormName()] = b
			} else {
				c.Params.Set(p.FormName(), string(b))
			}
		}
	} else {
		_ = r.ParseForm()
		c.Params = r.PostForm
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	var rep *reply
	if q := f.script[method]; len(q) > 0 {
		rep = &q[0]
		f.script[method] = q[1:]
	}
	var batch []string
	if method == "getUpdates" && rep == nil && len(f.updates) > 0 {
		batch, f.updates = f.updates[0], f.updates[1:]
	}
	f.msgID++
	id := f.msgID
	f.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	if rep != nil {
		w.WriteHeader(rep.status)
		_, _ = io.WriteString(w, rep.body)
		return
	}
	switch method {
	case "getMe":
		_, _ = io.WriteString(w, `{"ok":true,"result":{"id":42,"is_bot":true,"first_name":"Inside","username":"inside_test_bot"}}`)
	case "getUpdates":
		_, _ = io.WriteString(w, `{"ok":true,"result":[`+strings.Join(batch, ",")+`]}`)
	case "getFile":
		f.mu.Lock()
		data, ok := f.files[c.Params.Get("file_id")]
		f.mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"ok":false,"error_code":400,"description":"Bad Request: invalid file_id"}`)
			return
		}
		b, _ := json.Marshal(map[string]any{"ok": true, "result": map[string]any{"file_id": c.Params.Get("file_id"),
			"file_unique_id": "u", "file_size": len(data), "file_path": "media/" + c.Params.Get("file_id") + ".bin"}})
		_, _ = w.Write(b)
	case "sendMessage", "sendPhoto", "sendDocument", "sendVoice", "sendAudio", "sendVideo":
		b, _ := json.Marshal(map[string]any{"ok": true, "result": map[string]any{"message_id": id, "date": 1, "chat": map[string]any{"id": 1, "type": "private"}}})
		_, _ = w.Write(b)
	case "copyMessage":
		_, _ = fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d}}`, id)
	default:
		_, _ = io.WriteString(w, `{"ok":true,"result":true}`)
	}
}

// serveFile answers a file download.
func (f *fakeAPI) serveFile(w http.ResponseWriter, fileID string) {
	f.mu.Lock()
	data, ok := f.files[fileID]
	if ok {
		f.downloads++
	}
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, nil)
		return
	}
	_, _ = w.Write(data)
}

// callsOf lists the calls of a method.
func (f *fakeAPI) callsOf(method string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Common scripted answers.
var (
	tooMany   = reply{429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}`}
	blocked   = reply{403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`}
	badReq    = reply{400, `{"ok":false,"error_code":400,"description":"Bad Request: message text is empty"}`}
	serverErr = reply{502, `<html>Bad Gateway</html>`}
	// emulator500 is what telegram-test-api answers for a method it does not implement.
	emulator500 = reply{500, `{"message":"API method 'sendPhoto' is not supported."}`}
)
