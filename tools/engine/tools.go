//go:build tools

// Package tools pins the Pulumi engine's Go modules so that `go build` of the CLI is reproducible.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
