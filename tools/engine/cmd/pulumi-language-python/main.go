// Command pulumi-language-python is a small Python language host for the Pulumi CLI, written for this
// repository's engine tests.
//
// Why it exists: the official language host lives in the Go module
// github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3, which the module proxy reachable from our build
// machines refuses to serve. What it needs from Pulumi is public API of github.com/pulumi/pulumi/sdk/v3 (the gRPC
// definitions, rpcutil) and, for programgen, pkg/v3's Python code generator, which the proxy does serve.
//
// What it does, following the language host protocol of Pulumi v3:
//
//   - Start-up, Handshake, GetPluginInfo, Cancel, GetRequiredPackages and GetProgramDependencies (both empty) and
//     InstallDependencies (installs nothing, says so) are the shared ones of ../../internal/langhost.
//   - Run starts the interpreter on run.py (beside this file, embedded): `<python> -c <run.py> --monitor … <program>`
//     in the program's directory, with the stack configuration in PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS, which
//     Pulumi's Python SDK reads. run.py configures the SDK's runtime settings (monitor, engine, project, stack,
//     organization, root directory, parallel, dry run) and runs the program (the entry point, by default the
//     directory's __main__.py) inside the stack. An error the program raised is logged to the engine and run.py
//     exits with 32, which the host answers with Bail.
//   - The interpreter is <virtualenv>/bin/python when the project sets the runtime option `virtualenv`
//     (`runtime: {name: python, options: {virtualenv: venv}}`; a relative path is taken from the project's root
//     directory, where Pulumi.yaml is, as the official host's pip toolchain does); the program then also gets
//     VIRTUAL_ENV and the environment's bin/ first on PATH, as if it were activated. Otherwise it is
//     $PULUMI_PYTHON_CMD, else `python3` on PATH.
//   - GenerateProgram (`pulumi import`, `pulumi convert`) writes Python with pkg/v3/codegen/python.
//   - About names the interpreter and its version.
//
// Not supported: creating the virtual environment or installing anything into it (do it yourself: python3 -m venv,
// pip install), the runtime options `toolchain` (other than pip) and `typechecker` (Run fails naming the option),
// Windows virtual environments (Scripts\python.exe), attaching a debugger, Python plugins and policy packs (RunPlugin),
// GenerateProject, GeneratePackage (the repository's SDKs come from ../pulumi-sdkgen), Pack, Link and Template: the
// CLI gets Unimplemented for those RPCs.
package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pulumi/pulumi/pkg/v3/codegen/pcl"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/pulumi-openai-checkpoint-permissions/tools/engine/internal/langhost"
)

//go:embed run.py
var runScript string

// flagOptions are the runtime options given as flags (older plugin hosts), used when a request has none.
var flagOptions = langhost.StringOptions{}

func main() {
	flagOptions.Flags("virtualenv", "toolchain", "typechecker")
	langhost.Main(
		"This language host installs nothing: create the project's virtual environment and pip install its "+
			"dependencies into it yourself.",
		func(base *langhost.Base) pulumirpc.LanguageRuntimeServer { return &host{base} },
	)
}

type host struct {
	*langhost.Base
}

// options are the `runtime.options` of a python Pulumi.yaml.
type options struct {
	virtualenv  string
	toolchain   string
	typechecker string
}

func parseOptions(info *pulumirpc.ProgramInfo) (options, error) {
	given, err := flagOptions.Of(info)
	if err != nil {
		return options{}, err
	}
	opts := options{virtualenv: given["virtualenv"], toolchain: given["toolchain"], typechecker: given["typechecker"]}
	if opts.toolchain != "" && opts.toolchain != "pip" {
		return opts, fmt.Errorf("runtime option toolchain: %q is not supported by this language host (only pip, "+
			"with the option virtualenv naming the environment)", opts.toolchain)
	}
	if opts.typechecker != "" {
		return opts, fmt.Errorf("runtime option typechecker: this language host does not type-check programs "+
			"(run %s yourself)", opts.typechecker)
	}
	return opts, nil
}

// interpreter is the Python that runs the program, and the environment it needs on top of ours.
func interpreter(info *pulumirpc.ProgramInfo) (string, []string, error) {
	opts, err := parseOptions(info)
	if err != nil {
		return "", nil, err
	}
	if opts.virtualenv != "" {
		venv := opts.virtualenv
		if !filepath.IsAbs(venv) {
			root := info.GetRootDirectory()
			if root == "" {
				root = info.GetProgramDirectory()
			}
			venv = filepath.Join(root, venv)
		}
		python := filepath.Join(venv, "bin", "python")
		if _, err := os.Stat(python); err != nil {
			return "", nil, fmt.Errorf("the virtual environment %s (runtime option virtualenv %q) has no bin/python: "+
				"create it (python3 -m venv %s) and pip install the program's dependencies into it", venv,
				opts.virtualenv, venv)
		}
		return python, []string{
			"VIRTUAL_ENV=" + venv,
			"PATH=" + filepath.Join(venv, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
		}, nil
	}
	name := os.Getenv("PULUMI_PYTHON_CMD")
	if name == "" {
		name = "python3"
	}
	python, err := exec.LookPath(name)
	if err != nil {
		return "", nil, fmt.Errorf("could not find %s on the $PATH (or set the runtime option virtualenv): %w", name, err)
	}
	return python, nil, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return nil, status.Error(codes.InvalidArgument, "RunRequest without program info")
	}
	python, pythonEnv, err := interpreter(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	dir := info.GetProgramDirectory()
	entryPoint := info.GetEntryPoint()
	if entryPoint == "" {
		entryPoint = "."
	}
	program := filepath.Join(dir, entryPoint)
	if stat, err := os.Stat(program); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("the program %s does not exist", program)}, nil
	} else if stat.IsDir() {
		if _, err := os.Stat(filepath.Join(program, "__main__.py")); err != nil {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf(
				"no __main__.py in %s: a Python program is a directory with __main__.py, or the .py file the "+
					"project's `main` names", program)}, nil
		}
	}

	configEnv, err := langhost.ConfigEnv(req)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(), configEnv...)
	env = append(env, pythonEnv...)
	env = append(env, "PYTHONUNBUFFERED=1")

	args := append([]string{"-c", runScript}, h.RunFlags(req)...)
	args = append(args, program) // absolute: never taken for an option
	args = append(args, req.GetArgs()...)

	return h.RunProgram(ctx, dir, env, python, args...), nil
}

// GenerateProgram writes the PCL program of `pulumi import` (or `pulumi convert`) in Python, preferring the
// Output-returning form of invokes, as the official host does.
func (h *host) GenerateProgram(
	ctx context.Context, req *pulumirpc.GenerateProgramRequest,
) (*pulumirpc.GenerateProgramResponse, error) {
	return langhost.GenerateProgram(ctx, req, python.GenerateProgram, pcl.PreferOutputVersionedInvokes)
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	python, _, err := interpreter(req.GetInfo())
	if err != nil {
		return nil, err
	}
	out, err := langhost.Version(ctx, "", python, "--version")
	if err != nil {
		return nil, err
	}
	v, found := strings.CutPrefix(out, "Python ")
	if !found {
		return nil, errors.New("unexpected output of " + python + " --version: " + out)
	}
	return &pulumirpc.AboutResponse{Executable: python, Version: v}, nil
}
