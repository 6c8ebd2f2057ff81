package storage_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// redisBackends runs f against the real Redis and the embedded miniredis.
func redisBackends(t *testing.T, f func(t *testing.T, r *storage.Redis)) {
	t.Run("redis", func(t *testing.T) { f(t, storagetest.Redis(t)) })
	t.Run("embedded", func(t *testing.T) {
		r, err := storage.OpenRedis(context.Background(), "", "x:")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = r.Close() })
		if !r.Embedded() {
			t.Fatal("empty URL should start the embedded server")
		}
		f(t, r)
	})
}

func TestRedisLockIsExclusive(t *testing.T) {
	redisBackends(t, func(t *testing.T, r *storage.Redis) {
		ctx := context.Background()
		var inside, maxInside atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l, err := r.WaitLock(ctx, "chat:1", time.Second, 5*time.Second)
				if err != nil {
					t.Error(err)
					return
				}
				n := inside.Add(1)
				if n > maxInside.Load() {
					maxInside.Store(n)
				}
				time.Sleep(5 * time.Millisecond)
				inside.Add(-1)
				if err := l.Release(ctx); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if maxInside.Load() != 1 {
			t.Fatalf("%d holders at once", maxInside.Load())
		}
		l, ok, _ := r.TryLock(ctx, "k", time.Second)
		if !ok {
			t.Fatal("free lock not taken")
		}
		if _, ok, _ := r.TryLock(ctx, "k", time.Second); ok {
			t.Fatal("held lock taken twice")
		}
		if _, err := r.WaitLock(ctx, "k", time.Second, 20*time.Millisecond); err != storage.ErrLockBusy {
			t.Fatalf("wait on held lock: %v", err)
		}
		if ok, _ := l.Extend(ctx, time.Second); !ok {
			t.Fatal("extend")
		}
		_ = l.Release(ctx)
		if _, ok, _ := r.TryLock(ctx, "k", time.Second); !ok {
			t.Fatal("released lock not free")
		}
	})
}

func TestRedisTokenBucket(t *testing.T) {
	redisBackends(t, func(t *testing.T, r *storage.Redis) {
		ctx := context.Background()
		taken := 0
		for range 10 {
			wait, err := r.TakeToken(ctx, "tg", 1, 3, 0)
			if err != nil {
				t.Fatal(err)
			}
			if wait == 0 {
				taken++
			} else if wait > time.Second+10*time.Millisecond {
				t.Fatalf("wait %v longer than one token's refill", wait)
			}
		}
		if taken != 3 {
			t.Fatalf("took %d tokens from a bucket of 3 at once", taken)
		}
		// A reserve keeps tokens back: with 2 in reserve only one of three is taken.
		got := 0
		for range 3 {
			if w, _ := r.TakeToken(ctx, "bulk", 1, 3, 2); w == 0 {
				got++
			}
		}
		if got != 1 {
			t.Fatalf("took %d with a reserve of 2 in a bucket of 3", got)
		}
	})
}

func TestRedisCountersStateDedup(t *testing.T) {
	redisBackends(t, func(t *testing.T, r *storage.Redis) {
		ctx := context.Background()
		for i := 1; i <= 3; i++ {
			n, err := r.Incr(ctx, "fail:1", time.Hour)
			if err != nil || n != int64(i) {
				t.Fatalf("incr %d = %d, %v", i, n, err)
			}
		}
		n, ttl, err := r.Count(ctx, "fail:1")
		if err != nil || n != 3 || ttl <= 0 || ttl > time.Hour {
			t.Fatalf("count = %d %v %v", n, ttl, err)
		}
		if n, _, _ := r.Count(ctx, "none"); n != 0 {
			t.Fatal("absent counter not zero")
		}
		if err := r.SetCounter(ctx, "lock:1", 1, time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := r.GetState(ctx, "s"); found {
			t.Fatal("state before set")
		}
		_ = r.SetState(ctx, "s", []byte(`{"flow":"x"}`), time.Minute)
		b, found, err := r.GetState(ctx, "s")
		if err != nil || !found || string(b) != `{"flow":"x"}` {
			t.Fatalf("state = %s %v %v", b, found, err)
		}
		_ = r.DeleteState(ctx, "s")
		if _, found, _ := r.GetState(ctx, "s"); found {
			t.Fatal("state after delete")
		}
		if seen, _ := r.SeenRecently(ctx, "u1", time.Minute); seen {
			t.Fatal("new id seen")
		}
		if seen, _ := r.SeenRecently(ctx, "u1", time.Minute); !seen {
			t.Fatal("repeated id not seen")
		}
		if err := r.PauseUntil(ctx, "chat", time.Now().Add(2*time.Second)); err != nil {
			t.Fatal(err)
		}
		if d, _ := r.PausedFor(ctx, "chat"); d <= 0 || d > 2*time.Second {
			t.Fatalf("paused for %v", d)
		}
		if d, _ := r.PausedFor(ctx, "other"); d != 0 {
			t.Fatal("unpaused key paused")
		}
	})
}

// TakeCapped never lets more than its cap go in a window, whatever the bucket holds, and says
// how long until the oldest send leaves the window.
func TestRedisTakeCappedNeverExceedsTheCap(t *testing.T) {
	redisBackends(t, func(t *testing.T, r *storage.Redis) {
		ctx := context.Background()
		for i := range 5 {
			if w, err := r.TakeCapped(ctx, "capped", 1000, 1000, 0, 5, time.Second); err != nil || w != 0 {
				t.Fatalf("take %d: wait %v, %v", i, w, err)
			}
		}
		w, err := r.TakeCapped(ctx, "capped", 1000, 1000, 0, 5, time.Second)
		if err != nil || w <= 0 || w > time.Second {
			t.Fatalf("sixth take in the second: wait %v, %v; want a wait of at most a second", w, err)
		}
		time.Sleep(w)
		if w, err := r.TakeCapped(ctx, "capped", 1000, 1000, 0, 5, time.Second); err != nil || w != 0 {
			t.Fatalf("after the wait: %v, %v", w, err)
		}
		// The bucket still shapes: a reserve it cannot leave is a wait, and takes nothing.
		if w, err := r.TakeCapped(ctx, "shaped", 1, 1, 1, 5, time.Second); err != nil || w <= 0 {
			t.Fatalf("bucket without tokens above its reserve: %v, %v", w, err)
		}
	})
}
