package artifact

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPNGWithMetadataStaysValid(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	out, err := PNGWithMetadata(buf.Bytes(), Metadata{{"Command", "culturesim reproduce --out 'a b'"}, {"Description", "p̂ ≥ ½"}})
	if err != nil {
		t.Fatal(err)
	}
	dec, err := png.Decode(bytes.NewReader(out)) // checks every chunk's CRC
	if err != nil {
		t.Fatalf("decoding the annotated PNG: %v", err)
	}
	if dec.Bounds() != img.Bounds() {
		t.Fatalf("bounds %v", dec.Bounds())
	}
	if !bytes.Contains(out, []byte("iTXtCommand\x00")) || !bytes.Contains(out, []byte("p̂ ≥ ½")) {
		t.Error("metadata missing")
	}
	if _, err := PNGWithMetadata([]byte("GIF89a"), nil); err == nil {
		t.Error("accepted a non-PNG")
	}
}

func TestSVGWithMetadata(t *testing.T) {
	svg := []byte(`<?xml version="1.0"?>` + "\n" + `<svg xmlns="http://www.w3.org/2000/svg" width="1"><rect/></svg>`)
	out, err := SVGWithMetadata(svg, Metadata{{"Command", "culturesim x --out y ]]> z"}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if !strings.Contains(s, `width="1">`+"\n<metadata><![CDATA[") || !strings.HasSuffix(s, "<rect/></svg>") {
		t.Errorf("bad placement:\n%s", s)
	}
	if strings.Count(s, "]]>") != 2 { // the escaped one is split, plus the closing
		t.Errorf("CDATA terminator not escaped:\n%s", s)
	}
}

func TestWriteFileIsAtomicAndReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.csv")
	if err := WriteFile(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("two")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != "two" {
		t.Fatalf("content %q", b)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "x"), nil); err == nil {
		t.Error("wrote into a missing directory")
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"--out": "--out", "results/fig2a": "results/fig2a", "": "''", "a b": "'a b'", "it's": `'it'\''s'`, "x;rm": "'x;rm'",
	} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
	if got := CommandLine([]string{"run", "my scenario.toml"}); got != "culturesim run 'my scenario.toml'" {
		t.Errorf("CommandLine: %s", got)
	}
}

func TestTable(t *testing.T) {
	tab := &Table{Header: []string{"a", "b"}}
	tab.Add("1", "x,y")
	if got := string(tab.Bytes()); got != "a,b\n1,\"x,y\"\n" {
		t.Errorf("csv %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("a short row did not panic")
		}
	}()
	tab.Add("1")
}
