package main

import (
	"encoding/base64"
	"encoding/hex"
)

// minResearchKeyBytes is how much randomness RESEARCH_KEY must carry: the keyed hash that
// pseudonymises the research dataset is only as strong as its key.
const minResearchKeyBytes = 32

// checkResearchKey accepts an empty key (the export is then refused) or one that encodes at
// least 32 random bytes: 64 or more hex characters (openssl rand -hex 32) or 44 or more
// base64 characters, standard or URL-safe, padded or not (openssl rand -base64 32). The key is
// used as it is written, so an existing key keeps its pseudonyms.
func checkResearchKey(key string) error {
	if key == "" {
		return nil
	}
	if raw, ok := decodeKey(key); ok && len(raw) >= minResearchKeyBytes && distinct(raw) >= 16 {
		return nil
	}
	// The value is a secret: the error never shows it.
	return configError{name: "RESEARCH_KEY", expect: "at least 32 random bytes, written as 64 hex characters or 44 base64 characters; make one with: openssl rand -hex 32"}
}

func decodeKey(key string) ([]byte, bool) {
	if raw, err := hex.DecodeString(key); err == nil {
		return raw, true
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err := enc.DecodeString(key); err == nil {
			return raw, true
		}
	}
	return nil, false
}

// distinct counts the different byte values: 32 random bytes have about 30, a key made of a
// repeated pattern (0000..., abcdabcd...) only a few.
func distinct(b []byte) int {
	seen := map[byte]bool{}
	for _, c := range b {
		seen[c] = true
	}
	return len(seen)
}
