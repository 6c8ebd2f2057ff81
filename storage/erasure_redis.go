package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// ErasePersonRedis is the Redis part of an erasure: every key under the prefix that names one
// of the person's chats or accounts (conversation state, rate-limit buckets and pauses, the
// WhatsApp 24-hour window, failed-invite counters...), and every key whose value names them
// (another person's conversation state holding their code), is deleted. During the erasure's
// own update the chat's lock is left to its holder (it is released when the update ends);
// the second purge (final) takes everything.
func (r *Redis) ErasePersonRedis(ctx context.Context, n ErasureNeedles, final bool) error {
	var known []string
	for _, id := range n.IdentityIDs {
		known = append(known, r.Key("state", "id:"+strconv.FormatInt(id, 10)))
	}
	for _, c := range n.Chats {
		known = append(known, r.Key("state", "chat:"+c.Key()), r.Key("bucket", "chat:"+c.Key()), r.Key("pause", "chat:"+c.Key()),
			r.Key("count", "invite-fail:"+c.Key()), r.Key("wa", "inbound", c.ChatID))
	}
	if len(known) > 0 {
		if err := r.client.Del(ctx, known...).Err(); err != nil {
			return fmt.Errorf("erase from redis: %w", err)
		}
	}
	parts := map[string]bool{}
	for _, a := range n.Accounts {
		parts[a] = true
	}
	for _, c := range n.Chats {
		parts[c.ChatID] = true
	}
	m := newMatcher(n)
	iter := r.client.Scan(ctx, 0, r.prefix+"*", 500).Iterator()
	var doomed []string
	for iter.Next(ctx) {
		key := iter.Val()
		rest := strings.TrimPrefix(key, r.prefix)
		if !final && strings.HasPrefix(rest, "lock:") {
			continue
		}
		named := false
		for _, p := range strings.Split(rest, ":") {
			if parts[p] {
				named = true
				break
			}
		}
		if !named {
			var err error
			if named, err = r.valueMentions(ctx, key, m); err != nil {
				return err
			}
		}
		if named {
			doomed = append(doomed, key)
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("erase from redis: scan: %w", err)
	}
	for len(doomed) > 0 {
		k := min(len(doomed), 200)
		if err := r.client.Del(ctx, doomed[:k]...).Err(); err != nil {
			return fmt.Errorf("erase from redis: %w", err)
		}
		doomed = doomed[k:]
	}
	return nil
}

// valueMentions tells whether a key's value (of any type) names the person.
func (r *Redis) valueMentions(ctx context.Context, key string, m *matcher) (bool, error) {
	typ, err := r.client.Type(ctx, key).Result()
	if err != nil {
		return false, fmt.Errorf("erase from redis: type of a key: %w", err)
	}
	var values []string
	switch typ {
	case "string":
		v, err := r.client.Get(ctx, key).Result()
		if errors.Is(err, redis.Nil) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("erase from redis: read a key: %w", err)
		}
		values = []string{v}
	case "hash":
		h, err := r.client.HGetAll(ctx, key).Result()
		if err != nil {
			return false, fmt.Errorf("erase from redis: read a hash: %w", err)
		}
		for k, v := range h {
			values = append(values, k, v)
		}
	case "list":
		values, err = r.client.LRange(ctx, key, 0, -1).Result()
	case "set":
		values, err = r.client.SMembers(ctx, key).Result()
	case "zset":
		values, err = r.client.ZRange(ctx, key, 0, -1).Result()
	case "stream":
		msgs, serr := r.client.XRange(ctx, key, "-", "+").Result()
		err = serr
		for _, msg := range msgs {
			for k, v := range msg.Values {
				values = append(values, k, fmt.Sprint(v))
			}
		}
	}
	if err != nil {
		return false, fmt.Errorf("erase from redis: read a %s: %w", typ, err)
	}
	for _, v := range values {
		if m.mentions(v) {
			return true, nil
		}
	}
	return false, nil
}
