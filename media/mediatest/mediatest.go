// Package mediatest makes small files of each type for tests: the first bytes a real file of
// that type starts with, then filler up to the size asked for.
package mediatest

import "bytes"

func padded(head string, size int) []byte {
	b := []byte(head)
	if size > len(b) {
		b = append(b, bytes.Repeat([]byte{0x5a}, size-len(b))...)
	}
	return b
}

// OggOpus is a voice note as Telegram and WhatsApp record them (Ogg with Opus).
func OggOpus(size int) []byte {
	return padded("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x13OpusHead\x01\x01", size)
}

// MP3 is an MP3 file with an ID3 tag.
func MP3(size int) []byte { return padded("ID3\x03\x00\x00\x00\x00\x00\x00", size) }

// M4A is AAC audio in an MP4 container (an iPhone's voice memo).
func M4A(size int) []byte { return padded("\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A isom", size) }

// MP4 is an MP4 video.
func MP4(size int) []byte { return padded("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", size) }

// MOV is a QuickTime video (not accepted).
func MOV(size int) []byte { return padded("\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", size) }

// JPEG is a JPEG photo.
func JPEG(size int) []byte { return padded("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01", size) }

// PNG is a PNG picture.
func PNG(size int) []byte { return padded("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", size) }

// PDF is a PDF document.
func PDF(size int) []byte { return padded("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", size) }

// EXE is a Windows program (not accepted, whatever it calls itself).
func EXE(size int) []byte { return padded("MZ\x90\x00\x03\x00\x00\x00\x04\x00", size) }
