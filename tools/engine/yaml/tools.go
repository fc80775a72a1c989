//go:build tools

// Package tools pins Pulumi YAML's language host, which `npm run engine` builds next to the CLI.
//
// It is a module of its own: pulumi-yaml v1.25.0 builds against github.com/pulumi/pulumi/pkg/v3 v3.206.0 and does
// not compile against the v3.276.0 the CLI's module (../go.mod) pins, so the two cannot share one build list. They
// talk over gRPC only, and this host works with the v3.276.0 CLI.
package tools

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
)
