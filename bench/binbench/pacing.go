package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// pacing queues one bulk message to each of pacingN people (what a confirmed broadcast leaves
// in the outbox) and starts the binary with TELEGRAM_RATE=R against a fake that answers 429 to
// any send beyond R in a sliding second. It reports the achieved rate over R, the 429s, and
// the people who got the message twice or never.
func (b *bench) pacing(ctx context.Context, s *store) error {
	db, err := storage.Open(ctx, s.dbURL, "")
	if err != nil {
		return err
	}
	n, rate := b.o.pacingN, b.o.pacingRate
	// The people at the end of the range: the closed loops' chats (at the start) may still
	// have replies queued.
	first := max(0, b.o.people-n)
	chats := chatRange(first, n)
	err = enqueueBroadcast(ctx, db, first, chats)
	_ = db.Close()
	if err != nil {
		return err
	}
	fake, err := newFakeAPI()
	if err != nil {
		return err
	}
	defer fake.close()
	fake.limit = &strictLimit{rate: rate}
	p, err := startProc(ctx, b.bin, b.env(s.env, fake.endpoint(), "HTTP_ADDR="+freeAddr(), "TELEGRAM_RATE="+strconv.Itoa(rate)),
		filepath.Join(b.dir, "pacing-insidebot.log"), "serve")
	if err != nil {
		return err
	}
	defer p.stop()
	if _, err := p.waitHealthy(ctx); err != nil {
		return err
	}
	last, lastChange := -1, time.Now()
	for {
		got := 0
		counts := fake.sendCounts()
		for _, c := range chats {
			if counts[c] > 0 {
				got++
			}
		}
		if got == n {
			break
		}
		if got != last {
			last, lastChange = got, time.Now()
		}
		if time.Since(lastChange) > 15*time.Second || p.exited() {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	time.Sleep(2 * time.Second) // a duplicate would come now
	counts := fake.sendCounts()
	dups, lost := 0, 0
	for _, c := range chats {
		switch {
		case counts[c] == 0:
			lost++
		case counts[c] > 1:
			dups += counts[c] - 1
		}
	}
	times := fake.acceptedTimes()
	achieved := 0.0
	if len(times) > 1 {
		achieved = float64(len(times)-1) / times[len(times)-1].Sub(times[0]).Seconds()
	}
	fake.limit.mu.Lock()
	n429 := fake.limit.n429
	fake.limit.mu.Unlock()
	fmt.Printf("postgres, broadcast pacing through the binary: %d bulk messages at TELEGRAM_RATE=%d against a strict %d/s limit:\n"+
		"  achieved %.1f msgs/s = %.3f x R, %d x 429, %d duplicates, %d lost\n", n, rate, rate, achieved, achieved/float64(rate), n429, dups, lost)
	return nil
}
