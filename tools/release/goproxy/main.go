// Command goproxy writes one version of a Go module into a Go module proxy directory (the GOPROXY protocol's
// files: <module>/@v/list, <version>.info, .mod and .zip), so that GOPROXY=file://<dir> serves it to `go get`.
// The zip is made by golang.org/x/mod/zip, the code the go command checks module zips with.
//
//	go run . -module <path> -version v0.1.0 -time 2026-01-01T00:00:00Z -dir <module root> -out <proxy dir>
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

func main() {
	modulePath := flag.String("module", "", "the module path")
	version := flag.String("version", "", "the version, e.g. v0.1.0")
	when := flag.String("time", "", "the version's time, RFC 3339")
	dir := flag.String("dir", "", "the module's root (its go.mod)")
	out := flag.String("out", "", "the proxy directory")
	flag.Parse()
	if err := write(*modulePath, *version, *when, *dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "goproxy:", err)
		os.Exit(1)
	}
}

func write(modulePath, version, when, dir, out string) error {
	mv := module.Version{Path: modulePath, Version: version}
	if err := module.Check(mv.Path, mv.Version); err != nil {
		return err
	}
	stamp, err := time.Parse(time.RFC3339, when)
	if err != nil {
		return fmt.Errorf("-time: %w", err)
	}
	escaped, err := module.EscapePath(mv.Path)
	if err != nil {
		return err
	}
	escapedVersion, err := module.EscapeVersion(mv.Version)
	if err != nil {
		return err
	}
	versions := filepath.Join(out, filepath.FromSlash(escaped), "@v")
	if err := os.MkdirAll(versions, 0o755); err != nil {
		return err
	}
	base := filepath.Join(versions, escapedVersion)

	archive, err := os.Create(base + ".zip")
	if err != nil {
		return err
	}
	if err := zip.CreateFromDir(archive, mv, dir); err != nil {
		archive.Close()
		return err
	}
	if err := archive.Close(); err != nil {
		return err
	}
	goMod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(base+".mod", goMod, 0o644); err != nil {
		return err
	}
	info, err := json.Marshal(struct {
		Version string
		Time    time.Time
	}{mv.Version, stamp.UTC()})
	if err != nil {
		return err
	}
	if err := os.WriteFile(base+".info", info, 0o644); err != nil {
		return err
	}
	return addToList(filepath.Join(versions, "list"), mv.Version)
}

// addToList adds the version to the list of versions the proxy serves, once.
func addToList(list, version string) error {
	existing, err := os.ReadFile(list)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	for _, line := range strings.Split(string(existing), "\n") {
		if line == version {
			return nil
		}
	}
	return os.WriteFile(list, append(existing, []byte(version+"\n")...), 0o644)
}
