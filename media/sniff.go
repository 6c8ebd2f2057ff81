package media

import (
	"bytes"
	"net/http"
	"strings"
)

// sniffLen is how much of a file Sniff looks at.
const sniffLen = 4096

// Sniff tells a file's type from its first bytes. It knows the accepted types precisely (an
// Ogg stream is audio only when it holds Opus or Vorbis; an MP4 container is audio/mp4 when
// its brand says so; QuickTime and 3GP are not MP4); anything else is named as
// net/http.DetectContentType names it, which is never an accepted type.
func Sniff(data []byte) string {
	b := data[:min(len(data), sniffLen)]
	switch {
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte("OggS")):
		return oggType(b)
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		return isoType(string(b[8:12]))
	case bytes.HasPrefix(b, []byte("ID3")), mpegFrame(b):
		return "audio/mpeg"
	case bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-")):
		return "application/pdf"
	}
	t := http.DetectContentType(b)
	if IsAccepted(t) {
		// DetectContentType is looser than the checks above (an MP3 header anywhere, MP4 of
		// any brand): what they refused stays refused.
		return "application/octet-stream"
	}
	return t
}

// oggType is an Ogg stream's type by its first codec header.
func oggType(b []byte) string {
	switch {
	case bytes.Contains(b, []byte("OpusHead")), bytes.Contains(b, []byte("\x01vorbis")):
		return "audio/ogg"
	case bytes.Contains(b, []byte("\x80theora")):
		return "video/ogg"
	}
	return "application/ogg"
}

// isoType is an ISO base media file's type by its major brand.
func isoType(brand string) string {
	switch brand {
	case "M4A ", "M4B ", "M4P ", "F4A ":
		return "audio/mp4"
	case "qt  ":
		return "video/quicktime"
	case "isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "dash", "MSNV", "M4V ", "M4VH", "M4VP", "NDAS", "mmp4", "f4v ":
		return "video/mp4"
	}
	if strings.HasPrefix(brand, "3gp") || strings.HasPrefix(brand, "3g2") {
		return "video/3gpp"
	}
	return "video/x-unknown-iso"
}

// mpegFrame recognises an MPEG audio frame header (MP3 without an ID3 tag): 11 sync bits, a
// layer that exists, a bitrate and a sample rate that are not reserved.
func mpegFrame(b []byte) bool {
	if len(b) < 4 || b[0] != 0xff || b[1]&0xe0 != 0xe0 {
		return false
	}
	version, layer := (b[1]>>3)&3, (b[1]>>1)&3
	bitrate, rate := b[2]>>4, (b[2]>>2)&3
	return version != 1 && layer != 0 && bitrate != 0 && bitrate != 0xf && rate != 3
}
