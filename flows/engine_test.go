package flows_test

import (
	"context"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/flows/flowtest"
)

func TestUnknownPersonLearnsHowToJoinAndNothingIsStored(t *testing.T) {
	t.Parallel()
	h := flowtest.New(t)
	c := h.Telegram()
	c.LangHint = "it"
	c.Media("sticker")
	c.Expect("insidebot", "codice")
	var n int
	if err := h.DB.Get(context.Background(), &n, `SELECT COUNT(*) FROM identities`); err != nil || n != 0 {
		t.Fatalf("identities stored for a stranger: %d %v", n, err)
	}
	if strings.Contains(flowtest.Texts(c.Last), "start.") {
		t.Fatal("a message id reached the person")
	}
}
