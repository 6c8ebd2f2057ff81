// Package media passes files on between people (a beneficiary's voice note to their tutor, a
// tutor's photo back): the limits of what is passed on (policy.go), and the transit store
// that holds a file only while it travels.
//
// The transit store keeps its items in the SQL database, encrypted with AES-256-GCM under
// MEDIA_KEY, a megabyte per row: every replica reads what another stored (DATA_DIR is one
// machine's disk), an item and its bytes go in one statement (expiry, delivery, erasure), and
// both dialects hold it the same way (PostgreSQL large objects have no SQLite form and are not
// removed with their row). An item is recorded when a conversation decides to pass a file on
// (Keep, in its transaction) and fetched from its source platform only when a sender first
// needs it (Load), outside any transaction; it is deleted once delivered (Delivered), after 24
// hours (Purge), or with its owner's data (DeleteFor). Nothing of a file (bytes, name,
// caption) is ever logged.
package media

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/storage"
)

// TTL is how long an item may wait for its delivery.
const TTL = 24 * time.Hour

// sourceTransit is the source of an item copied from another item (a web-chat upload passed
// on to a second person).
const sourceTransit = "transit"

// ErrGone is an item that is no longer there: delivered, expired, or its owner's data erased.
var ErrGone = errors.New("media: the file is no longer in transit (delivered, expired or erased)")

// Fetched is a file downloaded from its platform.
type Fetched struct {
	Data []byte
	MIME string // as the platform declared it, if it did
}

// Fetcher downloads a file from one platform by its reference (a Telegram file_id, a WhatsApp
// media id). A file over limit bytes is a *Rejection (TooLarge), found before the download
// where the platform tells the size; a platform's failure is a classified *bot.SendError.
type Fetcher interface {
	Fetch(ctx context.Context, ref string, limit int64) (Fetched, error)
}

// Config wires a Store.
type Config struct {
	DB    *storage.DB
	Redis *storage.Redis // a fetch is done by one replica at a time; nil: no lock (tests)
	Key   []byte         // MEDIA_KEY, 32 bytes
	Clock clock.Clock
	Log   *slog.Logger
}

// Store is the transit store.
type Store struct {
	db    *storage.DB
	redis *storage.Redis
	seal  sealer
	clock clock.Clock
	log   *slog.Logger

	mu       sync.RWMutex
	fetchers map[string]Fetcher
}

// New builds the store.
func New(cfg Config) (*Store, error) {
	s, err := newSealer(cfg.Key)
	if err != nil {
		return nil, err
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Store{db: cfg.DB, redis: cfg.Redis, seal: s, clock: cfg.Clock, log: cfg.Log, fetchers: map[string]Fetcher{}}, nil
}

// Register names the fetcher of a channel's files (wiring: the Telegram client, the WhatsApp
// channel), before the store is used.
func (s *Store) Register(channel string, f Fetcher) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fetchers[channel] = f
}

func (s *Store) fetcher(channel string) (Fetcher, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, ok := s.fetchers[channel]
	return f, ok
}

// Item is what the store knows of a file in transit.
type Item struct {
	ID        string
	Owner     int64 // the beneficiary it is about; 0 for none
	Kind      bot.MediaKind
	MIME      string
	Name      string
	Size      int64
	Stored    bool   // the bytes are here (not yet fetched otherwise)
	Webchat   string // the web-chat session allowed to download it
	CreatedAt time.Time
	ExpiresAt time.Time
}

func itemOf(m storage.MediaTransit) Item {
	return Item{ID: m.ID, Owner: m.OwnerID.Int64, Kind: bot.MediaKind(m.Kind), MIME: m.MIME, Name: m.Name, Size: m.Size,
		Stored: m.State == storage.MediaStored, Webchat: m.WebchatChat.String, CreatedAt: m.CreatedAt, ExpiresAt: m.ExpiresAt}
}

func newID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("media id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// UploadID is the id of an upload named by its sender (a web-chat session and the page's
// message id): a retried upload finds the item stored the first time.
func UploadID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Upload is a file received whole (a web-chat upload).
type Upload struct {
	ID       string // UploadID for an idempotent upload; "" for a new random id
	Owner    int64  // the beneficiary it is about, when known
	Kind     bot.MediaKind
	Name     string
	Declared string // the type the sender declared
	Data     []byte
}

// Put checks a file (size, type by its bytes) and stores it encrypted; the item returned says
// which type and kind it is sent as. A *Rejection says why a file is refused.
func (s *Store) Put(ctx context.Context, u Upload) (Item, error) {
	mimeType, err := CheckBytes(u.Declared, u.Data)
	if err != nil {
		return Item{}, err
	}
	if u.ID == "" {
		if u.ID, err = newID(); err != nil {
			return Item{}, err
		}
	}
	now := s.clock.Now()
	row := storage.MediaTransit{ID: u.ID, OwnerID: sql.NullInt64{Int64: u.Owner, Valid: u.Owner != 0}, Kind: string(KindFor(u.Kind, mimeType)),
		MIME: mimeType, Name: u.Name, State: storage.MediaPending, CreatedAt: now, ExpiresAt: now.Add(TTL)}
	chunks, err := s.seal.seal(u.ID, u.Data)
	if err != nil {
		return Item{}, err
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		created, err := storage.InsertMediaTransit(ctx, tx, row)
		if err != nil || !created {
			return err
		}
		return storage.StoreMediaChunks(ctx, tx, u.ID, mimeType, int64(len(u.Data)), chunks)
	})
	if err != nil {
		return Item{}, fmt.Errorf("media put: %w", err)
	}
	return s.Info(ctx, u.ID)
}

// Info is an item without its bytes; ErrGone when it is no longer there.
func (s *Store) Info(ctx context.Context, id string) (Item, error) {
	m, err := storage.MediaTransitByID(ctx, s.db, id, s.clock.Now())
	if errors.Is(err, storage.ErrNotFound) {
		return Item{}, ErrGone
	}
	if err != nil {
		return Item{}, err
	}
	return itemOf(m), nil
}

// Keep records, in the caller's transaction, a file that came with an update from channel, to
// be passed on: nothing is downloaded now (the first Load fetches it). It checks what the
// platform declared first: a *Rejection is the person's answer. owner is the beneficiary the
// file is about. A web-chat upload is kept as it is (its owner set); passed on a second time
// to someone else's file, it is copied.
func (s *Store) Keep(ctx context.Context, q storage.Queryer, channel string, m bot.MediaItem, owner int64) (string, error) {
	if !m.Present() {
		return "", errors.New("media keep: the update has no media")
	}
	if err := CheckDeclared(m); err != nil {
		return "", err
	}
	now := s.clock.Now()
	source, ref := channel, m.Ref
	if channel == bot.Webchat {
		up, err := storage.MediaTransitByID(ctx, q, m.Ref, now)
		if errors.Is(err, storage.ErrNotFound) {
			return "", ErrGone
		}
		if err != nil {
			return "", fmt.Errorf("media keep: %w", err)
		}
		if !up.OwnerID.Valid || up.OwnerID.Int64 == owner {
			if owner != 0 && !up.OwnerID.Valid {
				if err := storage.SetMediaOwner(ctx, q, up.ID, owner); err != nil {
					return "", fmt.Errorf("media keep: %w", err)
				}
			}
			return up.ID, nil
		}
		source = sourceTransit
	}
	id, err := newID()
	if err != nil {
		return "", err
	}
	row := storage.MediaTransit{ID: id, OwnerID: sql.NullInt64{Int64: owner, Valid: owner != 0}, Kind: string(m.Kind),
		MIME: BaseType(m.MIME), Name: m.Name, Size: m.Size, State: storage.MediaPending, SourceChannel: source, SourceRef: ref,
		CreatedAt: now, ExpiresAt: now.Add(TTL)}
	if _, err := storage.InsertMediaTransit(ctx, q, row); err != nil {
		return "", fmt.Errorf("media keep: %w", err)
	}
	return id, nil
}

// Attach is the media of a message that passes the file of update in on to a recipient on
// channel to, with the file's own caption: a copy of the message when both are on Telegram
// (nothing downloaded), otherwise an item kept in the caller's transaction (Keep). owner is
// the beneficiary the file is about.
func (s *Store) Attach(ctx context.Context, q storage.Queryer, in bot.Incoming, owner int64, to string) (*bot.OutMedia, error) {
	m := in.Attachment
	if !m.Present() {
		return nil, errors.New("media attach: the update has no media")
	}
	out := &bot.OutMedia{Kind: m.Kind, MIME: BaseType(m.MIME), Name: m.Name, Caption: m.Caption}
	if in.Channel == bot.Telegram && to == bot.Telegram && m.MessageID != "" {
		if err := CheckDeclared(m); err != nil {
			return nil, err
		}
		out.Copy = &bot.CopySource{Channel: bot.Telegram, ChatID: in.ChatID, MessageID: m.MessageID, FileID: m.Ref}
		return out, nil
	}
	id, err := s.Keep(ctx, q, in.Channel, m, owner)
	if err != nil {
		return nil, err
	}
	out.Transit = id
	return out, nil
}

// fetchLock bounds how long one replica may hold an item's fetch, and how long another waits
// for it.
const (
	fetchLockTTL  = 2 * time.Minute
	fetchLockWait = time.Minute
)

// Load is an item and its bytes, fetched from its source platform first if they are not here
// yet (once, across replicas). ErrGone: no longer there; *Rejection: the bytes showed a file
// that is not passed on (the item is then deleted); ErrUnreadable: the bytes do not decrypt;
// a *bot.SendError: the source platform's failure. SendError turns any of them into what a
// sender returns.
func (s *Store) Load(ctx context.Context, id string) (Item, []byte, error) {
	m, err := storage.MediaTransitByID(ctx, s.db, id, s.clock.Now())
	if errors.Is(err, storage.ErrNotFound) {
		return Item{}, nil, ErrGone
	}
	if err != nil {
		return Item{}, nil, fmt.Errorf("media load: %w", err)
	}
	if m.State != storage.MediaStored {
		return s.fetch(ctx, m)
	}
	data, err := s.read(ctx, m)
	return itemOf(m), data, err
}

// read decrypts a stored item's chunks.
func (s *Store) read(ctx context.Context, m storage.MediaTransit) ([]byte, error) {
	data := make([]byte, 0, m.Size)
	for seq := range m.Chunks {
		c, err := storage.MediaChunk(ctx, s.db, m.ID, seq)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, ErrGone // deleted while being read
		}
		if err != nil {
			return nil, fmt.Errorf("media load: %w", err)
		}
		plain, err := s.seal.open(m.ID, seq, m.Chunks, c)
		if err != nil {
			return nil, err
		}
		data = append(data, plain...)
	}
	if int64(len(data)) != m.Size {
		return nil, ErrUnreadable
	}
	return data, nil
}

// fetch downloads a pending item from its source, checks it and stores it.
func (s *Store) fetch(ctx context.Context, m storage.MediaTransit) (Item, []byte, error) {
	if s.redis != nil {
		lock, err := s.redis.WaitLock(ctx, s.redis.Key("media", "fetch", m.ID), fetchLockTTL, fetchLockWait)
		if err != nil {
			return Item{}, nil, fmt.Errorf("media fetch lock: %w", err)
		}
		defer func() { _ = lock.Release(context.WithoutCancel(ctx)) }()
		// Another replica may have fetched it while this one waited.
		again, err := storage.MediaTransitByID(ctx, s.db, m.ID, s.clock.Now())
		if errors.Is(err, storage.ErrNotFound) {
			return Item{}, nil, ErrGone
		}
		if err != nil {
			return Item{}, nil, fmt.Errorf("media load: %w", err)
		}
		if m = again; m.State == storage.MediaStored {
			data, err := s.read(ctx, m)
			return itemOf(m), data, err
		}
	}
	got, err := s.download(ctx, m)
	if err == nil {
		var mimeType string
		if mimeType, err = CheckBytes(firstNonEmpty(m.MIME, got.MIME), got.Data); err == nil {
			m.MIME, m.Size, m.Kind = mimeType, int64(len(got.Data)), string(KindFor(bot.MediaKind(m.Kind), mimeType))
			err = s.store(ctx, m, got.Data)
			if err == nil {
				m.State = storage.MediaStored
				return itemOf(m), got.Data, nil
			}
		}
	}
	if _, rejected := AsRejection(err); rejected {
		// It will never pass: nothing is kept of it.
		if _, derr := storage.DeleteMediaTransit(context.WithoutCancel(ctx), s.db, m.ID); derr != nil {
			s.log.Warn("delete a refused file", "err", derr)
		}
	}
	return Item{}, nil, err
}

func (s *Store) download(ctx context.Context, m storage.MediaTransit) (Fetched, error) {
	if m.SourceChannel == sourceTransit {
		_, data, err := s.Load(ctx, m.SourceRef)
		return Fetched{Data: data}, err
	}
	f, ok := s.fetcher(m.SourceChannel)
	if !ok {
		return Fetched{}, &bot.SendError{Class: bot.Retryable, Reason: "media: no way to fetch files from " + m.SourceChannel + " in this process"}
	}
	return f.Fetch(ctx, m.SourceRef, MaxBytes)
}

// store writes a fetched item's bytes, encrypted, and marks it stored, in one transaction.
func (s *Store) store(ctx context.Context, m storage.MediaTransit, data []byte) error {
	chunks, err := s.seal.seal(m.ID, data)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		if err := storage.StoreMediaChunks(ctx, tx, m.ID, m.MIME, m.Size, chunks); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE media_transit SET kind = ? WHERE id = ?`, m.Kind, m.ID)
		return err
	})
	if errors.Is(err, storage.ErrNotFound) {
		return ErrGone // deleted (erased, expired) while it was fetched
	}
	if err != nil {
		return fmt.Errorf("media store: %w", err)
	}
	return nil
}

// Delivered deletes an item once its message was delivered: the file is kept no longer than
// its journey.
func (s *Store) Delivered(ctx context.Context, id string) error {
	if _, err := storage.DeleteMediaTransit(ctx, s.db, id); err != nil {
		return fmt.Errorf("media delivered: %w", err)
	}
	return nil
}

// Grant lets a web-chat session download an item (the session the message with it went to).
func (s *Store) Grant(ctx context.Context, id, webchatChat string) error {
	err := storage.GrantMediaToWebchat(ctx, s.db, id, webchatChat)
	if errors.Is(err, storage.ErrNotFound) {
		return ErrGone
	}
	return err
}

// Purge deletes the items past their 24 hours and those whose owner's data was erased. The
// scheduler's sweep calls it; every replica may, at any time.
func (s *Store) Purge(ctx context.Context, now time.Time) (int64, error) {
	return storage.PurgeMediaTransit(ctx, s.db, now)
}

// DeleteFor deletes every item about a beneficiary (erasure). Erasure's own transaction can
// call storage.DeleteMediaOf instead; Purge also catches an erased owner's items.
func (s *Store) DeleteFor(ctx context.Context, beneficiaryID int64) (int64, error) {
	return storage.DeleteMediaOf(ctx, s.db, beneficiaryID)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
