package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Redis holds what may be lost: conversation state with a TTL, rate-limit buckets, locks and
// counters. Every key is under a prefix, so several deployments or tests can share a server.
type Redis struct {
	client  redis.UniversalClient
	prefix  string
	mini    *miniredis.Miniredis
	scripts scripts
}

// scripts are the Lua scripts run on every update or send: each is sent once and then run by
// its hash (EVALSHA; go-redis loads it again if the server forgot it).
type scripts struct {
	release, extend, take, takeCapped *redis.Script
}

func newScripts() scripts {
	return scripts{release: redis.NewScript(releaseLock), extend: redis.NewScript(extendLock),
		take: redis.NewScript(takeToken), takeCapped: redis.NewScript(takeCapped)}
}

// OpenRedis connects to redisURL or, when it is empty, starts an in-process miniredis that
// serves the same code path.
func OpenRedis(ctx context.Context, redisURL, prefix string) (*Redis, error) {
	r := &Redis{prefix: prefix, scripts: newScripts()}
	if redisURL == "" {
		m := miniredis.NewMiniRedis()
		if err := m.Start(); err != nil {
			return nil, fmt.Errorf("start embedded redis: %w", err)
		}
		r.mini = m
		redisURL = "redis://" + m.Addr()
	}
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		r.closeMini()
		return nil, fmt.Errorf("REDIS_URL is not valid (expected redis://host:6379/0): %s", redactURLError(err))
	}
	opts.DialTimeout = 3 * time.Second
	opts.ReadTimeout = 3 * time.Second
	opts.WriteTimeout = 3 * time.Second
	r.client = redis.NewClient(opts)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := r.client.Ping(pingCtx).Err(); err != nil {
		_ = r.Close()
		return nil, fmt.Errorf("connect to redis: %w", err)
	}
	return r, nil
}

func redactURLError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "://"); i >= 0 {
		return "malformed URL"
	}
	return msg
}

func (r *Redis) closeMini() {
	if r.mini != nil {
		r.mini.Close()
	}
}

// Close closes the connection (and stops the embedded server).
func (r *Redis) Close() error {
	var err error
	if r.client != nil {
		err = r.client.Close()
	}
	r.closeMini()
	return err
}

// Embedded tells whether this is the in-process miniredis.
func (r *Redis) Embedded() bool { return r.mini != nil }

// Client is the go-redis client, for components with needs of their own.
func (r *Redis) Client() redis.UniversalClient { return r.client }

// Key builds a namespaced key from parts.
func (r *Redis) Key(parts ...string) string {
	return r.prefix + strings.Join(parts, ":")
}

// Ping checks Redis answers.
func (r *Redis) Ping(ctx context.Context) error { return r.client.Ping(ctx).Err() }

// ErrLockBusy means someone else holds a lock until its wait ran out.
var ErrLockBusy = errors.New("lock busy")

// Lock is a lock held in Redis; it expires by itself if its holder dies.
type Lock struct {
	r     *Redis
	key   string
	token string
}

const releaseLock = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`

// TryLock takes the lock named key for ttl if nobody holds it; ok is false otherwise.
func (r *Redis) TryLock(ctx context.Context, key string, ttl time.Duration) (*Lock, bool, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return nil, false, fmt.Errorf("lock token: %w", err)
	}
	token := hex.EncodeToString(b)
	ok, err := r.client.SetNX(ctx, r.Key("lock", key), token, ttl).Result()
	if err != nil {
		return nil, false, fmt.Errorf("take lock: %w", err)
	}
	if !ok {
		return nil, false, nil
	}
	return &Lock{r: r, key: r.Key("lock", key), token: token}, true, nil
}

// WaitLock takes the lock named key, waiting for it up to wait. ErrLockBusy when it could not.
func (r *Redis) WaitLock(ctx context.Context, key string, ttl, wait time.Duration) (*Lock, error) {
	deadline := time.Now().Add(wait)
	pause := 2 * time.Millisecond
	for {
		l, ok, err := r.TryLock(ctx, key, ttl)
		if err != nil || ok {
			return l, err
		}
		if time.Now().After(deadline) {
			return nil, ErrLockBusy
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(pause):
		}
		if pause < 50*time.Millisecond {
			pause *= 2
		}
	}
}

// Release lets go of the lock if it is still ours.
func (l *Lock) Release(ctx context.Context) error {
	if err := l.r.scripts.release.Run(ctx, l.r.client, []string{l.key}, l.token).Err(); err != nil {
		return fmt.Errorf("release lock: %w", err)
	}
	return nil
}

const extendLock = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) else return 0 end`

// Extend keeps the lock for ttl more; false when it was lost.
func (l *Lock) Extend(ctx context.Context, ttl time.Duration) (bool, error) {
	n, err := l.r.scripts.extend.Run(ctx, l.r.client, []string{l.key}, l.token, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("extend lock: %w", err)
	}
	return n == 1, nil
}

// takeToken is a token bucket: capacity burst, refilled at rate per second. It takes one token
// when more than reserve remain after taking, and returns 0; otherwise it returns how many
// milliseconds until one would be free. The bucket lives in a hash (tokens, ts in ms).
// TIME is read inside the script so every replica agrees on the clock.
const takeToken = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local reserve = tonumber(ARGV[3])
local t = redis.call("TIME")
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local b = redis.call("HMGET", KEYS[1], "tokens", "ts")
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil then tokens = burst; ts = now end
tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
local wait = 0
if tokens - 1 >= reserve then
  tokens = tokens - 1
else
  wait = math.ceil((reserve + 1 - tokens) * 1000 / rate)
  if wait < 1 then wait = 1 end
end
redis.call("HSET", KEYS[1], "tokens", tostring(tokens), "ts", tostring(now))
redis.call("PEXPIRE", KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return wait`

// TakeToken takes one token from the bucket named key (rate per second, capacity burst),
// leaving at least reserve tokens for others. It returns 0 when taken, or how long to wait
// before trying again.
func (r *Redis) TakeToken(ctx context.Context, key string, rate float64, burst, reserve float64) (time.Duration, error) {
	ms, err := r.scripts.take.Run(ctx, r.client, []string{r.Key("bucket", key)}, rate, burst, reserve).Int64()
	if err != nil {
		return 0, fmt.Errorf("rate limit %s: %w", key, err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// takeCapped is takeToken with a hard cap on top: besides the bucket (which shapes the pace
// and keeps bulk traffic's reserve), at most ARGV[4] tokens are taken in any window of ARGV[5]
// ms, counted in a log of when they were taken (KEYS[2], a sorted set, in microseconds). A
// token bucket alone lets its burst through on top of the rate in one second; a platform that
// counts sends per second answers those with 429. When the log is full (for traffic that keeps
// a reserve: all but the reserve's places) it returns the ms until a place frees.
const takeCapped = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local reserve = tonumber(ARGV[3])
local cap = tonumber(ARGV[4])
local window = tonumber(ARGV[5]) * 1000
local t = redis.call("TIME")
local nowus = tonumber(t[1]) * 1000000 + tonumber(t[2])
local now = math.floor(nowus / 1000)
redis.call("ZREMRANGEBYSCORE", KEYS[2], "-inf", nowus - window)
-- Traffic that keeps a reserve (bulk) leaves as many places of the window free, so that a
-- reply never queues behind a broadcast that fills the cap.
local room = cap
if reserve > 0 then room = math.max(1, cap - math.ceil(reserve)) end
local used = redis.call("ZCARD", KEYS[2])
if used >= room then
  local freeing = redis.call("ZRANGE", KEYS[2], used - room, used - room, "WITHSCORES")
  local wait = math.ceil((tonumber(freeing[2]) + window - nowus) / 1000)
  if wait < 1 then wait = 1 end
  return wait
end
local b = redis.call("HMGET", KEYS[1], "tokens", "ts")
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil then tokens = burst; ts = now end
tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
local wait = 0
if tokens - 1 >= reserve then
  tokens = tokens - 1
  redis.call("ZADD", KEYS[2], nowus, ARGV[6])
  redis.call("PEXPIRE", KEYS[2], math.ceil(window / 1000) + 1000)
else
  wait = math.ceil((reserve + 1 - tokens) * 1000 / rate)
  if wait < 1 then wait = 1 end
end
redis.call("HSET", KEYS[1], "tokens", tostring(tokens), "ts", tostring(now))
redis.call("PEXPIRE", KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return wait`

// TakeCapped is TakeToken that also never lets more than capN tokens go in any window (a
// channel's sends per second as the platform counts them). It returns 0 when taken, or how
// long to wait before trying again.
func (r *Redis) TakeCapped(ctx context.Context, key string, rate, burst, reserve float64, capN int, window time.Duration) (time.Duration, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return 0, fmt.Errorf("rate limit %s: %w", key, err)
	}
	ms, err := r.scripts.takeCapped.Run(ctx, r.client, []string{r.Key("bucket", key), r.Key("bucket", key, "log")},
		rate, burst, reserve, capN, window.Milliseconds(), hex.EncodeToString(b)).Int64()
	if err != nil {
		return 0, fmt.Errorf("rate limit %s: %w", key, err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Script runs a Lua script by its hash, loading it the first time (the caller keeps s, made
// once with redis.NewScript).
func (r *Redis) Script(ctx context.Context, s *redis.Script, keys []string, args ...any) *redis.Cmd {
	return s.Run(ctx, r.client, keys, args...)
}

// PauseUntil holds back a key (a chat told to wait by a 429) until a time.
func (r *Redis) PauseUntil(ctx context.Context, key string, until time.Time) error {
	d := time.Until(until)
	if d <= 0 {
		return nil
	}
	if err := r.client.Set(ctx, r.Key("pause", key), until.UnixMilli(), d).Err(); err != nil {
		return fmt.Errorf("pause %s: %w", key, err)
	}
	return nil
}

// PausedFor tells how long a key is still held back (0 when it is not).
func (r *Redis) PausedFor(ctx context.Context, key string) (time.Duration, error) {
	d, err := r.client.PTTL(ctx, r.Key("pause", key)).Result()
	if err != nil {
		return 0, fmt.Errorf("pause of %s: %w", key, err)
	}
	if d < 0 {
		return 0, nil
	}
	return d, nil
}

// Incr adds one to a counter that expires window after its first increment, and returns the
// new value. Used for failed invite attempts.
func (r *Redis) Incr(ctx context.Context, key string, window time.Duration) (int64, error) {
	k := r.Key("count", key)
	pipe := r.client.TxPipeline()
	incr := pipe.Incr(ctx, k)
	pipe.ExpireNX(ctx, k, window)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("count %s: %w", key, err)
	}
	return incr.Val(), nil
}

// Count returns a counter's value (0 when absent) and how long until it expires.
func (r *Redis) Count(ctx context.Context, key string) (int64, time.Duration, error) {
	k := r.Key("count", key)
	n, err := r.client.Get(ctx, k).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("count %s: %w", key, err)
	}
	ttl, err := r.client.PTTL(ctx, k).Result()
	if err != nil {
		return 0, 0, fmt.Errorf("count ttl %s: %w", key, err)
	}
	return n, ttl, nil
}

// SetCounter sets a counter to n for ttl (a lock-out after too many failures).
func (r *Redis) SetCounter(ctx context.Context, key string, n int64, ttl time.Duration) error {
	if err := r.client.Set(ctx, r.Key("count", key), n, ttl).Err(); err != nil {
		return fmt.Errorf("set counter %s: %w", key, err)
	}
	return nil
}

// GetState reads a conversation state blob; found is false when there is none (or it expired).
func (r *Redis) GetState(ctx context.Context, key string) ([]byte, bool, error) {
	b, err := r.client.Get(ctx, r.Key("state", key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("get state: %w", err)
	}
	return b, true, nil
}

// SetState writes a conversation state blob that expires after ttl.
func (r *Redis) SetState(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := r.client.Set(ctx, r.Key("state", key), value, ttl).Err(); err != nil {
		return fmt.Errorf("set state: %w", err)
	}
	return nil
}

// DeleteState forgets a conversation state.
func (r *Redis) DeleteState(ctx context.Context, key string) error {
	if err := r.client.Del(ctx, r.Key("state", key)).Err(); err != nil {
		return fmt.Errorf("delete state: %w", err)
	}
	return nil
}

// SeenRecently is a fast, lossy dedup: it records id for ttl and reports whether it was
// already there. SQL's processed_updates stays the truth.
func (r *Redis) SeenRecently(ctx context.Context, id string, ttl time.Duration) (bool, error) {
	ok, err := r.client.SetNX(ctx, r.Key("seen", id), 1, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("dedup: %w", err)
	}
	return !ok, nil
}
