package whatsapp

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"github.com/insideaut/insidebot/bot"
)

// BenchmarkWebhookText is one signed POST with one text message, through signature check,
// parsing, the 24-hour window in Redis and the dispatcher's transaction on PostgreSQL.
func BenchmarkWebhookText(b *testing.B) {
	e := newEnv(b)
	tmpl := fixture(b, "text.json")
	const id = "wamid.HBgMMzkzMzMxMjM0NTY3FQIAEhgUM0EwMUYxQjQ3QkM5RTAyMjMxNjAA"
	for i := 0; b.Loop(); i++ {
		body := bytes.Replace(tmpl, []byte(id), fmt.Appendf(nil, "wamid.bench%d", i), 1)
		if code := e.post(body, sign(testSecret, body)); code != http.StatusOK {
			b.Fatalf("answered %d", code)
		}
	}
}

// BenchmarkRenderLongList renders a 40-choice list with a long body.
func BenchmarkRenderLongList(b *testing.B) {
	out := bot.Outgoing{Text: string(bytes.Repeat([]byte("Scegli il laboratorio che preferisci. "), 40)), Buttons: choices(40), Labels: labels}
	for b.Loop() {
		if _, err := render(out, "tok"); err != nil {
			b.Fatal(err)
		}
	}
}
