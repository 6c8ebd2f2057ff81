package media_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/media/mediatest"
)

func TestSniffTellsTypesByTheirBytes(t *testing.T) {
	cases := map[string]struct {
		data []byte
		want string
	}{
		"ogg opus voice note": {mediatest.OggOpus(300), "audio/ogg"},
		"ogg vorbis":          {append([]byte("OggS\x00\x02"+strings.Repeat("\x00", 22)), []byte("\x01vorbis\x00\x00")...), "audio/ogg"},
		"ogg theora video":    {append([]byte("OggS\x00\x02"+strings.Repeat("\x00", 22)), []byte("\x80theora\x00\x00")...), "video/ogg"},
		"mp3 with id3":        {mediatest.MP3(300), "audio/mpeg"},
		"mp3 frame":           {[]byte("\xff\xfb\x90\x64\x00\x00\x00\x00"), "audio/mpeg"},
		"aac adts frame":      {[]byte("\xff\xf1\x50\x80\x00\x1f\xfc\x00"), "application/octet-stream"},
		"m4a":                 {mediatest.M4A(300), "audio/mp4"},
		"mp4":                 {mediatest.MP4(300), "video/mp4"},
		"quicktime":           {mediatest.MOV(300), "video/quicktime"},
		"jpeg":                {mediatest.JPEG(300), "image/jpeg"},
		"png":                 {mediatest.PNG(300), "image/png"},
		"pdf":                 {mediatest.PDF(300), "application/pdf"},
		"pdf after junk":      {append([]byte("\xef\xbb\xbf\n"), mediatest.PDF(100)...), "application/pdf"},
		"exe":                 {mediatest.EXE(300), "application/octet-stream"},
		"html":                {[]byte("<!DOCTYPE html><html><body>hi"), "text/html; charset=utf-8"},
		"gif":                 {[]byte("GIF89a\x01\x00\x01\x00"), "image/gif"},
		"empty":               {nil, "text/plain; charset=utf-8"},
	}
	for name, c := range cases {
		if got := media.Sniff(c.data); got != c.want {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
}

func TestCheckBytesTrustsTheBytesNotTheName(t *testing.T) {
	cases := []struct {
		name     string
		declared string
		data     []byte
		want     string
		reason   media.Reason
	}{
		{"a voice note", "audio/ogg; codecs=opus", mediatest.OggOpus(500), "audio/ogg", ""},
		{"a jpeg called png", "image/png", mediatest.JPEG(500), "image/jpeg", ""},
		{"a program called pdf", "application/pdf", mediatest.EXE(500), "", media.NotAccepted},
		{"a quicktime video called mp4", "video/mp4", mediatest.MOV(500), "", media.NotAccepted},
		{"m4a audio in an isom box", "audio/mp4", mediatest.MP4(500), "audio/mp4", ""},
		{"nothing declared", "", mediatest.PDF(500), "application/pdf", ""},
		{"just over the limit", "application/pdf", mediatest.PDF(media.MaxBytes + 1), "", media.TooLarge},
		{"exactly the limit", "application/pdf", mediatest.PDF(media.MaxBytes), "application/pdf", ""},
	}
	for _, c := range cases {
		got, err := media.CheckBytes(c.declared, c.data)
		r, rejected := media.AsRejection(err)
		switch {
		case c.reason == "" && (err != nil || got != c.want):
			t.Errorf("%s: %q, %v; want %q", c.name, got, err, c.want)
		case c.reason != "" && (!rejected || r.Reason != c.reason):
			t.Errorf("%s: %v, want a rejection %s", c.name, err, c.reason)
		}
	}
}

func TestCheckDeclaredRefusesEarly(t *testing.T) {
	ok := []bot.MediaItem{
		{Kind: bot.MediaPhoto, Ref: "x"}, // Telegram photos declare no type
		{Kind: bot.MediaVoice, MIME: "audio/ogg; codecs=opus", Size: 4000, Ref: "x"},
		{Kind: bot.MediaDocument, MIME: "application/octet-stream", Ref: "x"}, // left to the bytes
		{Kind: bot.MediaDocument, MIME: "application/pdf", Size: media.MaxBytes, Ref: "x"},
	}
	for _, m := range ok {
		if err := media.CheckDeclared(m); err != nil {
			t.Errorf("%+v: %v", m, err)
		}
	}
	bad := map[media.Reason]bot.MediaItem{
		media.TooLarge:    {Kind: bot.MediaVideo, MIME: "video/mp4", Size: media.MaxBytes + 1, Ref: "x"},
		media.NotAccepted: {Kind: bot.MediaDocument, MIME: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Ref: "x"},
	}
	for reason, m := range bad {
		r, ok := media.AsRejection(media.CheckDeclared(m))
		if !ok || r.Reason != reason {
			t.Errorf("%+v: %v, want %s", m, r, reason)
		}
	}
	if _, ok := media.AsRejection(media.CheckDeclared(bot.MediaItem{Kind: bot.MediaAudio, MIME: "not a type/", Ref: "x"})); !ok {
		t.Error("a declared type that is no type at all passed")
	}
}

func TestKindFollowsTheRealType(t *testing.T) {
	cases := []struct {
		kind bot.MediaKind
		mime string
		want bot.MediaKind
	}{
		{bot.MediaVoice, "audio/ogg", bot.MediaVoice},
		{bot.MediaAudio, "audio/mpeg", bot.MediaAudio},
		{bot.MediaVideoNote, "video/mp4", bot.MediaVideoNote},
		{bot.MediaDocument, "image/jpeg", bot.MediaDocument},
		{bot.MediaVoice, "application/pdf", bot.MediaDocument},
		{bot.MediaPhoto, "audio/ogg", bot.MediaVoice},
		{bot.MediaPhoto, "audio/mp4", bot.MediaAudio},
		{bot.MediaAudio, "image/png", bot.MediaPhoto},
		{bot.MediaPhoto, "video/mp4", bot.MediaVideo},
	}
	for _, c := range cases {
		if got := media.KindFor(c.kind, c.mime); got != c.want {
			t.Errorf("KindFor(%s, %s) = %s, want %s", c.kind, c.mime, got, c.want)
		}
	}
}

// The answers to a refused file exist in every language, name the limit or what can be sent,
// and are found from any error that wraps the rejection.
func TestRejectionsAreAnsweredInEveryLanguage(t *testing.T) {
	cat, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	tooLarge := &media.Rejection{Reason: media.TooLarge, Size: 30 << 20}
	notAccepted := &media.Rejection{Reason: media.NotAccepted, MIME: "application/zip"}
	for _, l := range locales.Languages() {
		loc := cat.For(l.Code)
		big, kind := tooLarge.Localize(loc), notAccepted.Localize(loc)
		if !strings.Contains(big, "20") || strings.Contains(big, "{{") || strings.Contains(big, "media.") {
			t.Errorf("%s too large: %q", l.Code, big)
		}
		if !strings.Contains(kind, "PDF") || !strings.Contains(kind, "JPEG") || !strings.Contains(kind, "MP4") || big == kind {
			t.Errorf("%s not accepted: %q", l.Code, kind)
		}
		if !cat.Has(l.Code, tooLarge.MessageID()) || !cat.Has(l.Code, notAccepted.MessageID()) {
			t.Errorf("%s lacks its own text for a refused file", l.Code)
		}
	}
	wrapped := errors.Join(errors.New("relay"), tooLarge)
	if r, ok := media.AsRejection(wrapped); !ok || r.Reason != media.TooLarge {
		t.Fatal("a wrapped rejection is not found")
	}
}

func TestParseKey(t *testing.T) {
	good := "3f1c9a0b7d2e4c5f8a6b1d0e9c7f2a4b5d8e0c3a6f9b2d1e4c7a0f3b6d9e2c5a"
	if k, err := media.ParseKey(good); err != nil || len(k) != 32 {
		t.Fatalf("a key from openssl rand -hex 32: %v", err)
	}
	for _, bad := range []string{"", "abc", good[:62], good + "00", strings.Repeat("ab", 32), strings.Repeat("0", 64), "zz" + good[2:]} {
		if _, err := media.ParseKey(bad); err == nil {
			t.Errorf("accepted %q", bad)
		} else if bad != "" && strings.Contains(err.Error(), bad) {
			t.Errorf("the error shows the key: %v", err)
		}
	}
}
