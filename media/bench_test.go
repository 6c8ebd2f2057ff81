package media_test

import (
	"context"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/media/mediatest"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// BenchmarkTransit20MB stores a file of the largest size passed on (encrypted, in chunks) and
// reads it back, on PostgreSQL: what a web-chat upload and one delivery of it cost.
func BenchmarkTransit20MB(b *testing.B) {
	db, _ := storagetest.Postgres(b)
	st, err := media.New(media.Config{DB: db, Key: testKey})
	if err != nil {
		b.Fatal(err)
	}
	data := mediatest.MP4(media.MaxBytes)
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		it, err := st.Put(ctx, media.Upload{Kind: bot.MediaVideo, Data: data})
		if err != nil {
			b.Fatal(err)
		}
		if _, got, err := st.Load(ctx, it.ID); err != nil || len(got) != len(data) {
			b.Fatal(err)
		}
		if err := st.Delivered(ctx, it.ID); err != nil {
			b.Fatal(err)
		}
	}
}
