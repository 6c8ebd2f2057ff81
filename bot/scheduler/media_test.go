package scheduler_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/scheduler"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/media/mediatest"
)

// The scheduler's sweep deletes the files in transit past their 24 hours.
func TestSweepPurgesFilesPastTheirTime(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st, err := media.New(media.Config{DB: f.h.DB, Redis: f.h.Redis, Key: []byte("0123456789abcdefghijklmnopqrstuv"), Clock: f.h.Clock})
	if err != nil {
		t.Fatal(err)
	}
	s := scheduler.New(scheduler.Deps{DB: f.h.DB, Domain: f.h.Domain, Clock: f.h.Clock, Config: f.cfg, Media: st})
	old, err := st.Put(ctx, media.Upload{Kind: bot.MediaVoice, Data: mediatest.OggOpus(500)})
	if err != nil {
		t.Fatal(err)
	}
	f.h.Clock.Advance(23 * time.Hour)
	fresh, _ := st.Put(ctx, media.Upload{Kind: bot.MediaPhoto, Data: mediatest.JPEG(500)})
	f.h.Clock.Advance(time.Hour + time.Second)
	if _, err := s.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := f.h.DB.Get(ctx, &n, `SELECT COUNT(*) FROM media_transit WHERE id = ?`, old.ID); err != nil || n != 0 {
		t.Fatalf("a file past its 24 hours is still kept (%d, %v)", n, err)
	}
	if _, err := st.Info(ctx, fresh.ID); errors.Is(err, media.ErrGone) {
		t.Fatal("a file of one hour was purged")
	}
}
