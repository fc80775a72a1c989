// Command pulumi-language-go is a small Go language host for the Pulumi CLI, written for this repository's engine
// tests.
//
// Why it exists: the official language host lives in the Go module
// github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3, which the module proxy reachable from our build machines
// refuses to serve. What it needs from Pulumi is public API of github.com/pulumi/pulumi/sdk/v3 (the gRPC definitions,
// rpcutil, the Go SDK's names of its environment variables) and, for programgen, pkg/v3's Go code generator, which
// the proxy does serve.
//
// What it does, following the language host protocol of Pulumi v3:
//
//   - Start-up, Handshake, GetPluginInfo, Cancel, GetRequiredPackages and GetProgramDependencies (both empty) and
//     InstallDependencies (installs nothing, says so) are the shared ones of ../../internal/langhost.
//   - Run builds the program with `go build -o <temporary file> .` in the program's directory (the `go` on PATH, with
//     our environment: GOFLAGS, GOWORK, GOPROXY and the rest apply), then runs the binary in the request's working
//     directory with the engine's settings in the environment variables the Go SDK's pulumi.Run reads
//     (PULUMI_MONITOR, PULUMI_ENGINE, PULUMI_PROJECT, PULUMI_STACK, PULUMI_ORGANIZATION, PULUMI_ROOT_DIRECTORY,
//     PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS, PULUMI_DRY_RUN, PULUMI_PARALLEL). A build that fails answers the
//     compiler's output. pulumi.Run exits with 32 after logging an error to the engine, which the host answers with
//     Bail.
//   - The runtime option `binary` names a prebuilt program instead (relative to the program's directory, else
//     looked up on PATH), as the official host; `buildTarget` names where to build it (kept afterwards).
//   - GenerateProgram (`pulumi import`, `pulumi convert`) writes Go with pkg/v3/codegen/go.
//   - About names the go executable and its version.
//
// Not supported: installing dependencies (run `go mod tidy` yourself), PULUMI_GO_USE_RUN (`go run`), attaching a
// debugger, Go plugins (RunPlugin), GenerateProject, GeneratePackage (the repository's SDKs come from
// ../pulumi-sdkgen), Pack, Link and Template: the CLI gets Unimplemented for those RPCs.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/pulumi-openai-checkpoint-permissions/tools/engine/internal/langhost"
)

// flagOptions are the runtime options given as flags (older plugin hosts), used when a request has none.
var flagOptions = langhost.StringOptions{}

func main() {
	flagOptions.Flags("binary", "buildTarget")
	langhost.Main(
		"This language host installs nothing: run `go mod tidy` in the program's directory yourself "+
			"(go build downloads what go.mod requires).",
		func(base *langhost.Base) pulumirpc.LanguageRuntimeServer { return &host{base} },
	)
}

type host struct {
	*langhost.Base
}

// options are the `runtime.options` of a go Pulumi.yaml.
type options struct {
	binary      string
	buildTarget string
}

func parseOptions(info *pulumirpc.ProgramInfo) (options, error) {
	given, err := flagOptions.Of(info)
	if err != nil {
		return options{}, err
	}
	opts := options{binary: given["binary"], buildTarget: given["buildTarget"]}
	if opts.binary != "" && opts.buildTarget != "" {
		return opts, errors.New("runtime options binary and buildTarget cannot both be set")
	}
	return opts, nil
}

// prebuilt finds the program the runtime option binary names: a path relative to the program's directory, else
// a command on PATH.
func prebuilt(dir, binary string) (string, error) {
	candidate := binary
	if !filepath.IsAbs(candidate) {
		candidate = filepath.Join(dir, binary)
	}
	if stat, err := os.Stat(candidate); err == nil && !stat.IsDir() && stat.Mode()&0o111 != 0 {
		return candidate, nil
	}
	found, err := exec.LookPath(binary)
	if err != nil {
		return "", fmt.Errorf("runtime option binary: no executable %s in %s nor on the $PATH", binary, dir)
	}
	return found, nil
}

// build compiles the program in dir into target (a new temporary file when empty) and returns its path.
func build(ctx context.Context, dir, target string) (string, error) {
	matches, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	if len(matches) == 0 {
		return "", fmt.Errorf("no .go files in %s to build", dir)
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("could not find go on the $PATH: %w", err)
	}
	if target == "" {
		f, err := os.CreateTemp("", "pulumi-go-program-*")
		if err != nil {
			return "", err
		}
		target = f.Name()
		if err := f.Close(); err != nil {
			return "", err
		}
	} else if !filepath.IsAbs(target) {
		target = filepath.Join(dir, target)
	}
	cmd := exec.CommandContext(ctx, gobin, "build", "-o", target, ".")
	cmd.Dir = dir
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	logging.V(5).Infof("building the Go program in %s: %s build -o %s .", dir, gobin, target)
	if err := cmd.Run(); err != nil {
		return target, fmt.Errorf("go build in %s failed (%w):\n%s", dir, err, strings.TrimSpace(output.String()))
	}
	return target, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return nil, status.Error(codes.InvalidArgument, "RunRequest without program info")
	}
	opts, err := parseOptions(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	dir := info.GetProgramDirectory()

	var program string
	if opts.binary != "" {
		if program, err = prebuilt(dir, opts.binary); err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
	} else {
		program, err = build(ctx, dir, opts.buildTarget)
		if opts.buildTarget == "" && program != "" {
			defer os.Remove(program)
		}
		if err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
	}

	configEnv, err := langhost.ConfigEnv(req)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(), configEnv...)
	setEnv := func(name, value string) {
		if value != "" {
			env = append(env, name+"="+value)
		}
	}
	setEnv(pulumi.EnvMonitor, req.GetMonitorAddress())
	setEnv(pulumi.EnvEngine, h.Engine())
	setEnv(pulumi.EnvProject, req.GetProject())
	setEnv(pulumi.EnvStack, req.GetStack())
	setEnv(pulumi.EnvOrganization, req.GetOrganization())
	setEnv(pulumi.EnvPulumiRootDirectory, info.GetRootDirectory())
	setEnv(pulumi.EnvDryRun, strconv.FormatBool(req.GetDryRun()))
	setEnv(pulumi.EnvParallel, strconv.Itoa(int(req.GetParallel())))

	pwd := req.GetPwd()
	if pwd == "" {
		pwd = dir
	}
	return h.RunProgram(ctx, pwd, env, program, req.GetArgs()...), nil
}

// GenerateProgram writes the PCL program of `pulumi import` (or `pulumi convert`) in Go.
func (h *host) GenerateProgram(
	ctx context.Context, req *pulumirpc.GenerateProgramRequest,
) (*pulumirpc.GenerateProgramResponse, error) {
	return langhost.GenerateProgram(ctx, req, gogen.GenerateProgram)
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("could not find go on the $PATH: %w", err)
	}
	out, err := langhost.Version(ctx, "", gobin, "env", "GOVERSION")
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: gobin, Version: strings.TrimPrefix(out, "go")}, nil
}
