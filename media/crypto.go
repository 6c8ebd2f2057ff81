package media

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
)

// KeyBytes is the size of MEDIA_KEY: an AES-256 key.
const KeyBytes = 32

// chunkSize is how much of a file one sealed chunk holds: a file is read and written a chunk
// at a time, and no database value is larger than this.
const chunkSize = 1 << 20

// ErrBadKey is a MEDIA_KEY that is not 32 random bytes in hex.
var ErrBadKey = errors.New("not 32 random bytes written as 64 hex characters")

// ParseKey reads MEDIA_KEY: 64 hex characters (openssl rand -hex 32) of bytes that look
// random (a repeated pattern is refused). The error never shows the value.
func ParseKey(s string) ([]byte, error) {
	raw, err := hex.DecodeString(s)
	if err != nil || len(raw) != KeyBytes {
		return nil, ErrBadKey
	}
	seen := map[byte]bool{}
	for _, b := range raw {
		seen[b] = true
	}
	if len(seen) < 16 {
		return nil, ErrBadKey
	}
	return raw, nil
}

// RandomKey is a fresh key, for a process whose files need not outlive it (serve --demo).
func RandomKey() ([]byte, error) {
	k := make([]byte, KeyBytes)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("media key: %w", err)
	}
	return k, nil
}

// sealer encrypts a file's chunks with AES-256-GCM. Each chunk has its own random nonce and is
// bound to its item, its place and the number of chunks (the additional data), so chunks
// cannot be swapped, reordered, moved to another item or cut off unnoticed.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (sealer, error) {
	if len(key) != KeyBytes {
		return sealer{}, fmt.Errorf("media key: %w", ErrBadKey)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return sealer{}, fmt.Errorf("media key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return sealer{}, fmt.Errorf("media key: %w", err)
	}
	return sealer{aead: aead}, nil
}

func additional(id string, seq, count int) []byte {
	return []byte("insidebot-media\x00" + id + "\x00" + strconv.Itoa(seq) + "\x00" + strconv.Itoa(count))
}

// seal cuts data into chunks and encrypts each: nonce, then ciphertext and tag.
func (s sealer) seal(id string, data []byte) ([][]byte, error) {
	count := max(1, (len(data)+chunkSize-1)/chunkSize)
	out := make([][]byte, 0, count)
	for seq := range count {
		part := data[seq*chunkSize : min(len(data), (seq+1)*chunkSize)]
		nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(part)+s.aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("media nonce: %w", err)
		}
		out = append(out, s.aead.Seal(nonce, nonce, part, additional(id, seq, count)))
	}
	return out, nil
}

// ErrUnreadable is a stored file that does not decrypt: changed in the database, or written
// under another MEDIA_KEY (a key changed, a --demo process restarted).
var ErrUnreadable = errors.New("media: stored file cannot be decrypted (changed, or written under another MEDIA_KEY)")

// open decrypts one chunk.
func (s sealer) open(id string, seq, count int, chunk []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(chunk) < n+s.aead.Overhead() {
		return nil, ErrUnreadable
	}
	plain, err := s.aead.Open(nil, chunk[:n], chunk[n:], additional(id, seq, count))
	if err != nil {
		return nil, ErrUnreadable
	}
	return plain, nil
}
