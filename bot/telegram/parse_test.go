package telegram

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/insideaut/insidebot/bot"
)

func loadUpdate(t testing.TB, name string) tgbotapi.Update {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var u tgbotapi.Update
	if err := json.Unmarshal(b, &u); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return u
}

func TestParseUpdates(t *testing.T) {
	at := time.Unix(1764579600, 0).UTC()
	amina := func(in bot.Incoming) bot.Incoming {
		in.Channel, in.ChatID, in.UserID, in.At = bot.Telegram, "555000111", "555000111", at
		return in
	}
	marco := func(in bot.Incoming) bot.Incoming {
		in.Channel, in.ChatID, in.UserID, in.At = bot.Telegram, "42", "42", at
		return in
	}
	media := func(id, kind string) bot.Incoming {
		return marco(bot.Incoming{UpdateID: id, Kind: bot.KindUnsupported, Media: kind})
	}
	file := func(id, kind string, it bot.MediaItem) bot.Incoming {
		in := media(id, kind)
		in.Attachment = it
		return in
	}
	cases := []struct {
		file     string
		want     bot.Incoming
		dispatch bool
		callback string
	}{
		{"text.json", amina(bot.Incoming{UpdateID: "1001", LangHint: "fr", Kind: bot.KindText, Text: "Bonjour, j'ai besoin d'aide"}), true, ""},
		{"command_start_code.json", amina(bot.Incoming{UpdateID: "1002", LangHint: "ar", Kind: bot.KindCommand, Command: "start", Text: "K7P2QX9M"}), true, ""},
		{"command_bare.json", marco(bot.Incoming{UpdateID: "1003", Kind: bot.KindCommand, Command: "menu"}), true, ""},
		{"command_bad_entity.json", marco(bot.Incoming{UpdateID: "1004", Kind: bot.KindCommand, Command: "help"}), true, ""},
		{"slash_without_entity.json", marco(bot.Incoming{UpdateID: "1005", Kind: bot.KindText, Text: "/ not a command"}), true, ""},
		{"callback.json", bot.Incoming{Channel: bot.Telegram, UpdateID: "1006", ChatID: "555000111", UserID: "555000111", LangHint: "so",
			Kind: bot.KindButton, Data: "step_done:12"}, true, "4382bfdwdsb323b2d9"},
		{"callback_no_data.json", bot.Incoming{}, false, "game-1"},
		{"blocked.json", amina(bot.Incoming{UpdateID: "1008", Kind: bot.KindBlocked}), true, ""},
		{"unblocked.json", amina(bot.Incoming{UpdateID: "1009", Kind: bot.KindUnblocked}), true, ""},
		{"added_to_group.json", bot.Incoming{}, false, ""},
		{"sticker.json", func() bot.Incoming { in := media("1011", "sticker"); in.LangHint = "it"; return in }(), true, ""},
		{"voice.json", file("1012", "voice", bot.MediaItem{Kind: bot.MediaVoice, MIME: "audio/ogg", Size: 8413, Ref: "AwACAgQ", MessageID: "13"}), true, ""},
		{"audio.json", file("1013", "audio", bot.MediaItem{Kind: bot.MediaAudio, MIME: "audio/mpeg", Size: 1920044, Name: "lezione1.mp3",
			Ref: "CQACAgQ", MessageID: "14"}), true, ""},
		// The largest size of a photo, with its caption; Telegram's photos are JPEGs.
		{"photo.json", file("1014", "photo", bot.MediaItem{Kind: bot.MediaPhoto, MIME: "image/jpeg", Size: 184022, Caption: "my permesso",
			Ref: "AgACAgQ2", MessageID: "15"}), true, ""},
		{"video.json", file("1015", "video", bot.MediaItem{Kind: bot.MediaVideo, Ref: "BAACAgQ", MessageID: "16"}), true, ""},
		{"document.json", file("1016", "document", bot.MediaItem{Kind: bot.MediaDocument, MIME: "application/pdf", Size: 203311,
			Name: "contratto.pdf", Caption: "il contratto", Ref: "BQACAgQ", MessageID: "17"}), true, ""},
		{"video_note.json", file("1020", "video", bot.MediaItem{Kind: bot.MediaVideoNote, MIME: "video/mp4", Size: 310022,
			Ref: "DQACAgQ", MessageID: "21"}), true, ""},
		{"location.json", media("1017", "location"), true, ""},
		{"contact.json", media("1018", "contact"), true, ""},
		{"group_command.json", bot.Incoming{Channel: bot.Telegram, UpdateID: "1019", ChatID: "-100200300", UserID: "42424242", LangHint: "it",
			Kind: bot.KindCommand, Command: "help", Group: true, At: at}, true, ""},
		{"edited.json", bot.Incoming{}, false, ""},
		{"inline_query.json", bot.Incoming{}, false, ""},
		{"service_message.json", bot.Incoming{}, false, ""},
	}
	now := time.Date(2025, 12, 1, 9, 30, 0, 0, time.UTC)
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			p := Parse(loadUpdate(t, tc.file), now)
			if p.Dispatch != tc.dispatch || p.CallbackID != tc.callback {
				t.Fatalf("dispatch %v callback %q, want %v %q (skipped: %s)", p.Dispatch, p.CallbackID, tc.dispatch, tc.callback, p.Skipped)
			}
			if !tc.dispatch {
				if p.Skipped == "" {
					t.Fatal("an update not dispatched must say why")
				}
				return
			}
			want := tc.want
			if want.At.IsZero() {
				want.At = now
			}
			if p.In != want {
				t.Fatalf("got  %+v\nwant %+v", p.In, want)
			}
			if err := p.In.Validate(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
