package media_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/media/mediatest"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

var t0 = time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC)

var testKey = bytes.Repeat([]byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01}, 2)

// platform is a fake source platform: files by reference, and a count of downloads.
type platform struct {
	mu    sync.Mutex
	files map[string]media.Fetched
	calls atomic.Int32
	fail  error
}

func (p *platform) Fetch(_ context.Context, ref string, limit int64) (media.Fetched, error) {
	p.calls.Add(1)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return media.Fetched{}, p.fail
	}
	f, ok := p.files[ref]
	if !ok {
		return media.Fetched{}, &bot.SendError{Class: bot.Permanent, Code: 400, Reason: "Bad Request: wrong file_id"}
	}
	if int64(len(f.Data)) > limit {
		return media.Fetched{}, &media.Rejection{Reason: media.TooLarge, Size: int64(len(f.Data))}
	}
	return f, nil
}

type fixture struct {
	db    *storage.DB
	store *media.Store
	clock *clock.Fake
	tg    *platform
	owner int64
}

func newFixture(t *testing.T, db *storage.DB, key []byte) fixture {
	t.Helper()
	clk := clock.NewFake(t0)
	st, err := media.New(media.Config{DB: db, Redis: storagetest.Redis(t), Key: key, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	tg := &platform{files: map[string]media.Fetched{}}
	st.Register(bot.Telegram, tg)
	b, err := storage.CreateBeneficiary(context.Background(), db, storage.NewBeneficiary{Territory: "MI", Lang: "ar", DisplayName: "Amina"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: db, store: st, clock: clk, tg: tg, owner: b.ID}
}

func voiceUpdate(ref string) bot.Incoming {
	return bot.Incoming{Channel: bot.Telegram, UpdateID: "1", ChatID: "42", UserID: "42", Kind: bot.KindUnsupported, Media: "voice",
		Attachment: bot.MediaItem{Kind: bot.MediaVoice, MIME: "audio/ogg", Size: 400, Ref: ref, MessageID: "13", Caption: "ascolta"}}
}

func keep(t *testing.T, f fixture, in bot.Incoming, to string) *bot.OutMedia {
	t.Helper()
	var out *bot.OutMedia
	err := f.db.InTx(context.Background(), func(tx *storage.Tx) error {
		var err error
		out, err = f.store.Attach(context.Background(), tx, in, f.owner, to)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A voice note passed on from Telegram to another channel: recorded in the conversation's
// transaction, fetched once when first needed, stored encrypted, deleted once delivered.
func TestFileIsFetchedOnceStoredEncryptedAndDeletedWhenDelivered(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := newFixture(t, db, testKey)
		voice := mediatest.OggOpus(3<<20 + 17) // several chunks
		f.tg.files["AwACAgQ"] = media.Fetched{Data: voice, MIME: "audio/ogg"}

		// Telegram to Telegram is a copy: nothing is kept, nothing downloaded.
		cp := keep(t, f, voiceUpdate("AwACAgQ"), bot.Telegram)
		if cp.Copy == nil || cp.Copy.ChatID != "42" || cp.Copy.MessageID != "13" || cp.Copy.FileID != "AwACAgQ" || cp.Transit != "" || cp.Caption != "ascolta" {
			t.Fatalf("copy = %+v", cp)
		}

		out := keep(t, f, voiceUpdate("AwACAgQ"), bot.WhatsApp)
		if out.Transit == "" || out.Copy != nil || out.Kind != bot.MediaVoice {
			t.Fatalf("transit = %+v", out)
		}
		if f.tg.calls.Load() != 0 {
			t.Fatal("downloaded before anyone needed it")
		}
		var wg sync.WaitGroup
		results := make([][]byte, 3)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, data, err := f.store.Load(ctx, out.Transit)
				if err != nil {
					t.Error(err)
				}
				results[i] = data
			}()
		}
		wg.Wait()
		for _, r := range results {
			if !bytes.Equal(r, voice) {
				t.Fatal("a load returned other bytes")
			}
		}
		if n := f.tg.calls.Load(); n != 1 {
			t.Fatalf("%d downloads of one file, want 1", n)
		}
		item, err := f.store.Info(ctx, out.Transit)
		if err != nil || !item.Stored || item.Size != int64(len(voice)) || item.MIME != "audio/ogg" || item.Owner != f.owner {
			t.Fatalf("item = %+v, %v", item, err)
		}
		// At rest, not a byte of the file is readable: every chunk is sealed.
		var stored [][]byte
		if err := db.Select(ctx, &stored, `SELECT data FROM media_chunks WHERE transit_id = ? ORDER BY seq`, out.Transit); err != nil {
			t.Fatal(err)
		}
		if len(stored) != 4 {
			t.Fatalf("%d chunks for 3 MB and a bit", len(stored))
		}
		for _, c := range stored {
			if bytes.Contains(c, []byte("OpusHead")) || bytes.Contains(c, bytes.Repeat([]byte{0x5a}, 32)) {
				t.Fatal("a chunk holds the file in clear")
			}
		}
		if err := f.store.Delivered(ctx, out.Transit); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.store.Load(ctx, out.Transit); !errors.Is(err, media.ErrGone) {
			t.Fatalf("a delivered file is still there: %v", err)
		}
		if se := media.SendError(media.ErrGone); se.Class != bot.Permanent {
			t.Fatalf("a gone file: %v", se)
		}
	})
}

func TestChangedBytesOrAnotherKeyAreUnreadable(t *testing.T) {
	ctx := context.Background()
	db := storagetest.SQLite(t)
	f := newFixture(t, db, testKey)
	item, err := f.store.Put(ctx, media.Upload{Kind: bot.MediaPhoto, Name: "lettera.jpg", Declared: "image/jpeg", Data: mediatest.JPEG(5000)})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := media.RandomKey()
	g := newFixture(t, db, other)
	if _, _, err := g.store.Load(ctx, item.ID); !errors.Is(err, media.ErrUnreadable) {
		t.Fatalf("read under another key: %v", err)
	}
	if _, err := db.Exec(ctx, `UPDATE media_chunks SET data = ? WHERE transit_id = ?`, bytes.Repeat([]byte{1}, 60), item.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.store.Load(ctx, item.ID)
	if !errors.Is(err, media.ErrUnreadable) || media.SendError(err).Class != bot.Permanent {
		t.Fatalf("changed bytes: %v", err)
	}
}

func TestRefusedFilesAreNotKept(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := newFixture(t, db, testKey)
		// Declared as a Word file: refused before anything is recorded or downloaded.
		in := voiceUpdate("doc")
		in.Attachment = bot.MediaItem{Kind: bot.MediaDocument, MIME: "application/msword", Ref: "doc", MessageID: "9"}
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			_, err := f.store.Attach(ctx, tx, in, f.owner, bot.Webchat)
			return err
		})
		if r, ok := media.AsRejection(err); !ok || r.Reason != media.NotAccepted {
			t.Fatalf("a Word file: %v", err)
		}
		// Declared as a PDF, a program in fact: refused when fetched, and nothing kept of it.
		f.tg.files["fake"] = media.Fetched{Data: mediatest.EXE(2000), MIME: "application/pdf"}
		in.Attachment = bot.MediaItem{Kind: bot.MediaDocument, MIME: "application/pdf", Ref: "fake", MessageID: "10"}
		out := keep(t, f, in, bot.WhatsApp)
		_, _, err = f.store.Load(ctx, out.Transit)
		if r, ok := media.AsRejection(err); !ok || r.Reason != media.NotAccepted || media.SendError(err).Class != bot.Permanent {
			t.Fatalf("a program called a PDF: %v", err)
		}
		if _, err := f.store.Info(ctx, out.Transit); !errors.Is(err, media.ErrGone) {
			t.Fatalf("a refused file is kept: %v", err)
		}
		// Too large, known only by downloading (WhatsApp's webhook gives no size).
		f.tg.files["big"] = media.Fetched{Data: mediatest.MP4(media.MaxBytes + 1)}
		in.Attachment = bot.MediaItem{Kind: bot.MediaVideo, Ref: "big", MessageID: "11"}
		out = keep(t, f, in, bot.WhatsApp)
		if _, _, err = f.store.Load(ctx, out.Transit); !isReason(err, media.TooLarge) {
			t.Fatalf("a 20 MB + 1 video: %v", err)
		}
		// An upload is checked by its bytes.
		if _, err := f.store.Put(ctx, media.Upload{Kind: bot.MediaDocument, Declared: "application/pdf", Data: []byte("<html>not a pdf")}); !isReason(err, media.NotAccepted) {
			t.Fatalf("an html page called a PDF: %v", err)
		}
	})
}

func isReason(err error, want media.Reason) bool {
	r, ok := media.AsRejection(err)
	return ok && r.Reason == want
}

func TestSourceFailuresAreClassifiedForTheRecipient(t *testing.T) {
	ctx := context.Background()
	db := storagetest.SQLite(t)
	f := newFixture(t, db, testKey)
	f.tg.files["AwACAgQ"] = media.Fetched{Data: mediatest.OggOpus(1000)}
	out := keep(t, f, voiceUpdate("AwACAgQ"), bot.WhatsApp)
	cases := []struct {
		fail error
		want bot.ErrorClass
	}{
		{&bot.SendError{Class: bot.Retryable, Code: 502, Reason: "Bad Gateway"}, bot.Retryable},
		{&bot.SendError{Class: bot.RateLimited, RetryAfter: 3 * time.Second, Code: 429, Reason: "Too Many Requests"}, bot.RateLimited},
		// The source chat blocked the bot: that says nothing of the recipient.
		{&bot.SendError{Class: bot.Unreachable, Code: 403, Reason: "Forbidden"}, bot.Permanent},
		{&bot.SendError{Class: bot.Permanent, Code: 400, Reason: "Bad Request: file is too big"}, bot.Permanent},
	}
	for _, c := range cases {
		f.tg.fail = c.fail
		_, _, err := f.store.Load(ctx, out.Transit)
		if se := media.SendError(err); se.Class != c.want || se.Code != c.fail.(*bot.SendError).Code {
			t.Errorf("%v: %v, want %s", c.fail, se, c.want)
		}
	}
	f.tg.fail = nil
	if _, _, err := f.store.Load(ctx, out.Transit); err != nil {
		t.Fatalf("after the platform came back: %v", err)
	}
	// A channel with no fetcher in this process (WhatsApp not configured): wait, not fail.
	in := voiceUpdate("wa-media")
	in.Channel = bot.WhatsApp
	out = keep(t, f, in, bot.Telegram)
	if _, _, err := f.store.Load(ctx, out.Transit); media.SendError(err).Class != bot.Retryable {
		t.Fatalf("no fetcher: %v", err)
	}
}

// Files expire after 24 hours, and an owner's erasure takes theirs at once.
func TestExpiryAndErasure(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := newFixture(t, db, testKey)
		f.tg.files["AwACAgQ"] = media.Fetched{Data: mediatest.OggOpus(1000)}
		a := keep(t, f, voiceUpdate("AwACAgQ"), bot.Webchat)
		f.clock.Advance(23 * time.Hour)
		b := keep(t, f, voiceUpdate("AwACAgQ"), bot.Webchat)
		if _, _, err := f.store.Load(ctx, a.Transit); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Hour)
		if _, _, err := f.store.Load(ctx, a.Transit); !errors.Is(err, media.ErrGone) {
			t.Fatalf("a file 24 hours old: %v", err)
		}
		if n, err := f.store.Purge(ctx, f.clock.Now()); err != nil || n != 1 {
			t.Fatalf("purge = %d, %v", n, err)
		}
		if _, err := f.store.Info(ctx, b.Transit); err != nil {
			t.Fatalf("a file 1 hour old was purged: %v", err)
		}
		if n, err := f.store.DeleteFor(ctx, f.owner); err != nil || n != 1 {
			t.Fatalf("erasure deleted %d, %v", n, err)
		}
		if _, err := f.store.Info(ctx, b.Transit); !errors.Is(err, media.ErrGone) {
			t.Fatalf("an erased person's file: %v", err)
		}
	})
}

// A web-chat upload is stored at once; passed on, it is the same item (no copy); passed on
// again about someone else, it is copied, so each copy goes with its own owner.
func TestUploadsAreKeptAsTheyAre(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := newFixture(t, db, testKey)
		pdf := mediatest.PDF(4000)
		id := media.UploadID("chat", "msg-1")
		up, err := f.store.Put(ctx, media.Upload{ID: id, Kind: bot.MediaDocument, Name: "contratto.pdf", Declared: "application/octet-stream", Data: pdf})
		if err != nil || up.ID != id || up.MIME != "application/pdf" || !up.Stored || up.Owner != 0 {
			t.Fatalf("upload = %+v, %v", up, err)
		}
		// The same upload again (a retry) is the same item.
		if again, err := f.store.Put(ctx, media.Upload{ID: id, Kind: bot.MediaDocument, Data: pdf}); err != nil || again.ID != id {
			t.Fatalf("retried upload = %+v, %v", again, err)
		}
		in := bot.Incoming{Channel: bot.Webchat, UpdateID: "u", ChatID: "chat", UserID: "chat", Kind: bot.KindUnsupported, Media: "document",
			Attachment: bot.MediaItem{Kind: bot.MediaDocument, MIME: "application/pdf", Ref: id, Name: "contratto.pdf"}}
		out := keep(t, f, in, bot.Telegram)
		if out.Transit != id {
			t.Fatalf("passed on as %+v, want the upload itself", out)
		}
		if it, _ := f.store.Info(ctx, id); it.Owner != f.owner {
			t.Fatalf("owner = %d", it.Owner)
		}
		other, _ := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", Lang: "fr"}, t0)
		var cp *bot.OutMedia
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			cp, err = f.store.Attach(ctx, tx, in, other.ID, bot.WhatsApp)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if cp.Transit == id {
			t.Fatal("one item about two people")
		}
		it, data, err := f.store.Load(ctx, cp.Transit)
		if err != nil || !bytes.Equal(data, pdf) || it.Owner != other.ID || it.MIME != "application/pdf" {
			t.Fatalf("copy = %+v, %v", it, err)
		}
	})
}
