// Command pulumi-sdkgen writes a Pulumi package's SDK for one language from its schema, with the code generators
// of the Pulumi release this module pins (github.com/pulumi/pulumi/pkg/v3/codegen/{nodejs,python,go}).
//
//	pulumi-sdkgen -schema schema.json -language python -out sdk/python
//
// Why it exists: `pulumi package gen-sdk --language X` asks X's language host to generate the SDK (its
// GeneratePackage RPC). The Python and Go language hosts are not served by the Go module proxy our build machines
// reach, and this repository's Node.js host runs programs only. The generators those hosts call are public Go
// packages of pkg/v3, so this tool binds the schema the way the CLI does (schema.BindSpec, which validates it
// against the metaschema) and calls the generator directly, with no language host at all.
//
// The package may not reference other packages' schemas (there is no plugin host here to load them); a reference
// to one fails the bind with a message naming it.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/blang/semver"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// The name every generated file's header gives as its author.
const tool = "pulumi-sdkgen (Pulumi codegen)"

func main() {
	schemaPath := flag.String("schema", "", "the package schema (JSON)")
	language := flag.String("language", "", "nodejs, python or go")
	out := flag.String("out", "", "the directory to write the SDK into (emptied first)")
	flag.Parse()
	if *schemaPath == "" || *language == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: pulumi-sdkgen -schema <schema.json> -language <nodejs|python|go> -out <dir>")
		os.Exit(2)
	}
	if err := run(*schemaPath, *language, *out); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-sdkgen: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, language, out string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noReferences{}, schema.ValidationOptions{})
	if err != nil {
		return fmt.Errorf("binding %s: %w", schemaPath, err)
	}
	if diags.HasErrors() {
		return fmt.Errorf("%s is not a valid package schema: %w", schemaPath, diags)
	}

	var files map[string][]byte
	switch language {
	case "nodejs":
		files, err = nodejs.GeneratePackage(tool, pkg, nil, nil, false, noReferences{})
	case "python":
		files, err = python.GeneratePackage(tool, pkg, nil, noReferences{})
	case "go":
		files, err = gogen.GeneratePackage(tool, pkg, nil)
	default:
		return fmt.Errorf("unknown language %q (nodejs, python or go)", language)
	}
	if err != nil {
		return fmt.Errorf("generating the %s SDK: %w", language, err)
	}
	return writeFiles(out, files)
}

// writeFiles replaces out with exactly the generated files, in a stable order.
func writeFiles(out string, files map[string][]byte) error {
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		target := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// noReferences is the schema loader of a package that stands alone: any reference to another package fails.
type noReferences struct{}

var errNoReferences = errors.New("this tool generates SDKs of self-contained packages only")

func (noReferences) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema references package %q: %w", pkg, errNoReferences)
}

func (noReferences) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema references package %q: %w", d.Name, errNoReferences)
}

func (noReferences) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema references package %q: %w", pkg, errNoReferences)
}

func (noReferences) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema references package %q: %w", d.Name, errNoReferences)
}
