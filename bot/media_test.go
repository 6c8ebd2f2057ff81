package bot

import (
	"reflect"
	"strings"
	"testing"
)

// An outbox payload written before media existed still decodes to the same message, and one
// with media round-trips.
func TestOutgoingPayloadsBeforeAndWithMedia(t *testing.T) {
	old := `{"text":"Ciao","buttons":[[{"text":"OK","data":"ok"}]],"image":{"name":"qr.png","mime":"image/png","data":"iVBORw=="},` +
		`"template":{"kind":"notification"},"lang":"it","labels":{"choose":"Scegli"}}`
	o, err := DecodeOutgoing(old)
	if err != nil {
		t.Fatal(err)
	}
	if o.Text != "Ciao" || o.Media != nil || o.Image == nil || o.Image.Name != "qr.png" || len(o.Image.Data) != 4 ||
		o.Template.Kind != "notification" || o.Labels.Choose != "Scegli" || o.AllButtons()[0].Data != "ok" {
		t.Fatalf("old payload decoded as %+v", o)
	}
	again, _ := o.Encode()
	if strings.Contains(again, `"media"`) {
		t.Fatalf("a message without media gained a media field: %s", again)
	}

	with := Outgoing{Text: "💬 MI-007", Media: &OutMedia{Kind: MediaVoice, MIME: "audio/ogg", Caption: "ascolta",
		Copy: &CopySource{Channel: Telegram, ChatID: "42", MessageID: "13", FileID: "AwACAgQ"}}}
	payload, err := with.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeOutgoing(payload)
	if err != nil || !reflect.DeepEqual(back, with) {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
}

func TestOutMediaNeedsExactlyOneReference(t *testing.T) {
	cases := []struct {
		m  OutMedia
		ok bool
	}{
		{OutMedia{Kind: MediaPhoto, Transit: "abc"}, true},
		{OutMedia{Kind: MediaVoice, Copy: &CopySource{Channel: Telegram, ChatID: "1", MessageID: "2"}}, true},
		{OutMedia{Kind: MediaPhoto}, false},
		{OutMedia{Kind: MediaPhoto, Transit: "abc", Copy: &CopySource{Channel: Telegram, ChatID: "1", MessageID: "2"}}, false},
		{OutMedia{Kind: "sticker", Transit: "abc"}, false},
		{OutMedia{Kind: MediaVoice, Copy: &CopySource{Channel: WhatsApp, ChatID: "1", MessageID: "2"}}, false},
	}
	for _, c := range cases {
		if err := c.m.Check(); (err == nil) != c.ok {
			t.Errorf("%+v: %v, want ok %v", c.m, err, c.ok)
		}
	}
}

func TestMediaItemIsCleanedAndChecked(t *testing.T) {
	in := Incoming{Channel: Telegram, UpdateID: "1", ChatID: "42", UserID: "42", Kind: KindUnsupported, Media: "photo",
		Attachment: MediaItem{Kind: MediaPhoto, MIME: "image/jpeg\x00", Caption: "la mia\x07 lettera " + strings.Repeat("x", 2000),
			Name: "a\x00.jpg", Ref: "AgACAgQ2", MessageID: "15", Size: -4}}
	c := in.Clean()
	if c.Attachment.MIME != "image/jpeg" || c.Attachment.Name != "a.jpg" || UTF16Len(c.Attachment.Caption) != MaxCaption ||
		!strings.HasPrefix(c.Attachment.Caption, "la mia lettera") || c.Attachment.Size != 0 {
		t.Fatalf("cleaned item: %+v", c.Attachment)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]MediaItem{
		"unknown kind":       {Kind: "sticker", Ref: "x"},
		"no reference":       {Kind: MediaVoice},
		"control in ref":     {Kind: MediaVoice, Ref: "a\x00b"},
		"control in message": {Kind: MediaVoice, Ref: "a", MessageID: "1\x00"},
	} {
		in.Attachment = bad
		if err := in.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
		// Cleaned, the update stays (the bot answers it as a message it cannot use), without it.
		if c := in.Clean(); c.Validate() != nil || c.Attachment != (MediaItem{}) {
			t.Errorf("%s: cleaned to %+v", name, c.Attachment)
		}
	}
	in.Attachment = MediaItem{}
	if err := in.Validate(); err != nil || in.Clean().Attachment != (MediaItem{}) {
		t.Fatalf("an update without media: %v", err)
	}
}
