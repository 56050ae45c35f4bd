package artifact

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strings"
)

// Metadata is a list of key–value pairs embedded in an image file.
type Metadata [][2]string

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// PNGWithMetadata returns png with one iTXt chunk (UTF-8 text) per entry
// inserted after the IHDR chunk, where PNG readers look for them.
func PNGWithMetadata(png []byte, md Metadata) ([]byte, error) {
	const ihdrEnd = 8 + 4 + 4 + 13 + 4
	if len(png) < ihdrEnd || !bytes.Equal(png[:8], pngSignature) || string(png[12:16]) != "IHDR" {
		return nil, errors.New("artifact: not a PNG file")
	}
	var out bytes.Buffer
	out.Write(png[:ihdrEnd])
	for _, kv := range md {
		var data bytes.Buffer
		data.WriteString(pngKeyword(kv[0]))
		data.Write([]byte{0, 0, 0}) // end of keyword, no compression, method 0
		data.WriteByte(0)           // no language tag
		data.WriteByte(0)           // no translated keyword
		data.WriteString(kv[1])
		writeChunk(&out, "iTXt", data.Bytes())
	}
	out.Write(png[ihdrEnd:])
	return out.Bytes(), nil
}

// pngKeyword keeps a keyword within PNG's rules: 1–79 Latin-1 printable
// characters.
func pngKeyword(k string) string {
	var b strings.Builder
	for _, r := range k {
		if r >= 32 && r < 127 && b.Len() < 79 {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "Comment"
	}
	return b.String()
}

func writeChunk(w *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	w.WriteString(typ)
	w.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	w.Write(n[:])
}

// SVGWithMetadata returns svg with a <metadata> element holding md as the
// first child of the root <svg> element.
func SVGWithMetadata(svg []byte, md Metadata) ([]byte, error) {
	start := bytes.Index(svg, []byte("<svg"))
	if start < 0 {
		return nil, errors.New("artifact: not an SVG file")
	}
	end := bytes.IndexByte(svg[start:], '>')
	if end < 0 {
		return nil, errors.New("artifact: unterminated <svg> tag")
	}
	at := start + end + 1
	var b bytes.Buffer
	b.Write(svg[:at])
	b.WriteString("\n<metadata><![CDATA[\n")
	for _, kv := range md {
		text := kv[0] + ": " + kv[1] + "\n"
		b.WriteString(strings.ReplaceAll(text, "]]>", "]]]]><![CDATA[>"))
	}
	b.WriteString("]]></metadata>")
	b.Write(svg[at:])
	return b.Bytes(), nil
}
