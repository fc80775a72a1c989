// Command pulumi-language-nodejs is a small Node.js language host for the Pulumi CLI, written for this
// repository's engine tests.
//
// Why it exists: the official language host lives in the Go module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, which has no tags and which the module proxy
// reachable from our build machines refuses to serve ("This module version is not available"). Everything it needs
// from Pulumi itself is public API of github.com/pulumi/pulumi/sdk/v3 (the gRPC definitions, rpcutil, the policy-pack
// proxy), which the proxy does serve, so the host is small.
//
// What it does, following the language host protocol of Pulumi v3:
//
//   - Start-up, Handshake, GetPluginInfo, Cancel, RuntimeOptionsPrompts (none) and InstallDependencies (installs
//     nothing: the repository's npm install provides node_modules) are the shared ones of ../../internal/langhost.
//   - Run starts `node [nodeargs] <@pulumi/pulumi/cmd/run> --monitor … --engine … <entry point>` in the program's
//     directory, with the stack configuration in PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS and TypeScript enabled
//     through ts-node (PULUMI_NODEJS_TYPESCRIPT), which is the contract of the @pulumi/pulumi Node SDK. The run script
//     exits with 32 after showing the program's error, which the host answers with Bail.
//   - The runtime options typescript, tsconfig and nodeargs are read from the request, else from the flags of the
//     same names; packagemanager is accepted and ignored.
//   - RunPlugin starts Node.js plugins; Node policy packs (kind "analyzer", `pulumi preview --policy-pack dir`) run
//     through @pulumi/pulumi/cmd/run-policy-pack behind the SDK's PolicyProxy, which is how the CLI starts policy packs
//     since Pulumi 3.221 (no pulumi-analyzer-policy shim is needed).
//   - GetRequiredPackages reports Pulumi resource packages installed in the program's node_modules;
//     GetProgramDependencies the dependencies of the nearest package.json, with the versions installed.
//   - About names node and its version.
//
// Not supported (the CLI gets Unimplemented): code generation (GenerateProject/Program/Package), Pack, Link, Template.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/google/shlex"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/pulumi-openai-checkpoint-permissions/tools/engine/internal/langhost"
)

func main() {
	// Hosts started by the plugin host of older Pulumi SDKs (v3.206's, in Pulumi YAML's language host, which loads
	// source-based plugins itself to read their schemas) get each runtime option of the plugin's PulumiPlugin.yaml as
	// -<option>=<value>. The request carries the same values (ProgramInfo); the flags are defaults for a request
	// without options.
	flag.BoolVar(&flagOptions.typescript, "typescript", true, "runtime option typescript, for requests without options")
	flag.StringVar(&flagOptions.tsconfig, "tsconfig", "", "runtime option tsconfig, for requests without options")
	flag.Func("nodeargs", "runtime option nodeargs, for requests without options", func(value string) error {
		args, err := shlex.Split(value)
		flagOptions.nodeargs = args
		return err
	})
	flag.String("packagemanager", "", "runtime option packagemanager (accepted and ignored: nothing is installed)")
	langhost.Main(
		"Dependencies are managed by the repository's npm install; nothing to do.",
		func(base *langhost.Base) pulumirpc.LanguageRuntimeServer { return &host{base} },
	)
}

type host struct {
	*langhost.Base
}

// options are the `runtime.options` of a nodejs Pulumi.yaml / PulumiPolicy.yaml / PulumiPlugin.yaml.
type options struct {
	typescript bool
	tsconfig   string
	nodeargs   []string
}

// flagOptions are the runtime options given as flags (see main), used when a request has none.
var flagOptions = options{typescript: true}

func parseOptions(info *pulumirpc.ProgramInfo) (options, error) {
	if info == nil || info.GetOptions() == nil || len(info.GetOptions().GetFields()) == 0 {
		return flagOptions, nil
	}
	opts := options{typescript: true}
	raw := info.GetOptions().AsMap()
	if v, ok := raw["typescript"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return opts, errors.New("runtime option typescript must be a boolean")
		}
		opts.typescript = b
	}
	if v, ok := raw["tsconfig"]; ok {
		s, isString := v.(string)
		if !isString {
			return opts, errors.New("runtime option tsconfig must be a string")
		}
		opts.tsconfig = s
	}
	if v, ok := raw["nodeargs"]; ok {
		s, isString := v.(string)
		if !isString {
			return opts, errors.New("runtime option nodeargs must be a string")
		}
		args, err := shlex.Split(s)
		if err != nil {
			return opts, fmt.Errorf("runtime option nodeargs: %w", err)
		}
		opts.nodeargs = args
	}
	return opts, nil
}

func (o options) env() []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}

// resolveModule finds a module of @pulumi/pulumi the way Node.js would from dir, so a program inside a repository
// uses the repository's node_modules.
func resolveModule(ctx context.Context, node, dir, module string) (string, error) {
	script := `try { console.log(require.resolve(process.argv[1], { paths: [process.cwd()] })) } ` +
		`catch (e) { console.error(e.code === "MODULE_NOT_FOUND" ? ` +
		`"Cannot find " + process.argv[1] + " from " + process.cwd() + ": is @pulumi/pulumi installed (npm install)?" ` +
		`: e.message); process.exit(1) }`
	cmd := exec.CommandContext(ctx, node, "-e", script, module)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && len(exitErr.Stderr) > 0 {
			return "", errors.New(strings.TrimSpace(string(exitErr.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return nil, status.Error(codes.InvalidArgument, "RunRequest without program info")
	}
	dir := info.GetProgramDirectory()
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		runPath = "@pulumi/pulumi/cmd/run"
	}
	runPath, err = resolveModule(ctx, node, dir, runPath)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	opts, err := parseOptions(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	configEnv, err := langhost.ConfigEnv(req)
	if err != nil {
		return nil, err
	}

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	args = append(args, h.RunFlags(req)...)
	if dir != "" {
		args = append(args, "--pwd", dir)
	}
	entryPoint := info.GetEntryPoint()
	if entryPoint == "" {
		entryPoint = "."
	}
	args = append(args, entryPoint)
	args = append(args, req.GetArgs()...)

	env := append(os.Environ(), configEnv...)
	env = append(env, opts.env()...)
	return h.RunProgram(ctx, dir, env, node, args...), nil
}

// RunPlugin starts a Node.js plugin: a policy pack (kind "analyzer") or a provider/tool written in Node.js.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	info := req.GetInfo()
	if info == nil {
		return status.Error(codes.InvalidArgument, "RunPluginRequest without program info")
	}
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	opts, err := parseOptions(info)
	if err != nil {
		return err
	}
	isPolicyPack := req.GetKind() == "analyzer"
	module := "@pulumi/pulumi/cmd/run-plugin"
	if isPolicyPack {
		module = "@pulumi/pulumi/cmd/run-policy-pack"
	} else if p := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH"); p != "" {
		module = p
	}
	runPath, err := resolveModule(ctx, node, info.GetProgramDirectory(), module)
	if err != nil {
		return err
	}

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	if isPolicyPack {
		// run-policy-pack takes the engine address (in req.Args) first and the pack's directory last.
		args = append(args, req.GetArgs()...)
		args = append(args, info.GetProgramDirectory())
	} else {
		args = append(args, info.GetProgramDirectory())
		args = append(args, req.GetArgs()...)
	}
	env := append(append([]string{}, req.GetEnv()...), opts.env()...)

	// Policy packs written against @pulumi/policy learn the stack (project, stack, config, dry run) from their
	// environment, while the engine sends it over gRPC (ConfigureStack). The SDK's PolicyProxy takes the engine's
	// calls first, hands us the configuration for the environment, then forwards everything to the started pack.
	var proxy *sdk.PolicyProxy
	if isPolicyPack {
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		stack, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get the stack configuration for the policy pack: %w", err)
		}
		if stack != nil {
			setEnv := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			setEnv("PULUMI_NODEJS_ORGANIZATION", stack.GetOrganization())
			setEnv("PULUMI_NODEJS_PROJECT", stack.GetProject())
			setEnv("PULUMI_NODEJS_STACK", stack.GetStack())
			setEnv("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stack.GetDryRun()))
			if stack.GetConfig() != nil {
				configJSON, err := json.Marshal(stack.GetConfig())
				if err != nil {
					return err
				}
				setEnv("PULUMI_CONFIG", string(configJSON))
			}
		}
	}

	cmd := exec.CommandContext(ctx, node, args...)
	if isPolicyPack {
		// Policy packs have always run in their own directory.
		cmd.Dir = info.GetProgramDirectory()
	} else {
		cmd.Dir = req.GetPwd()
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	logging.V(5).Infof("running plugin %s %s", node, strings.Join(args, " "))

	if err := cmd.Start(); err != nil {
		if proxy != nil {
			proxy.Abort(err)
		}
		return fmt.Errorf("could not start the plugin: %w", err)
	}
	if proxy != nil {
		err = proxy.Attach(ctx, cmd) // waits for the pack to exit
	} else {
		err = cmd.Wait()
	}
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return fmt.Errorf("Program exited with non-zero exit code: %d", exitErr.ExitCode())
		}
		return err
	}
	return closer.Close()
}

// GetRequiredPackages reports the Pulumi resource packages ({"pulumi": {"resource": true}} in package.json)
// installed in the program directory's node_modules. The engine tests run with automatic plugin acquisition
// disabled, so this is informational.
func (h *host) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		return &pulumirpc.GetRequiredPackagesResponse{}, nil
	}
	var packages []*pulumirpc.PackageDependency
	for _, pj := range installedPackageJSONs(filepath.Join(dir, "node_modules")) {
		if !pj.Pulumi.Resource {
			continue
		}
		name := pj.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(pj.Name, "@pulumi/")
		}
		v := pj.Pulumi.Version
		if v == "" {
			v = pj.Version
		}
		if v != "" && !strings.HasPrefix(v, "v") {
			v = "v" + v
		}
		packages = append(packages, &pulumirpc.PackageDependency{
			Name: name, Kind: "resource", Version: v, Server: pj.Pulumi.Server,
		})
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

type packageJSON struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Pulumi          struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var pj packageJSON
	if err := json.Unmarshal(b, &pj); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &pj, nil
}

// installedPackageJSONs reads the package.json of every top-level package (and @scope/package) in nodeModules.
func installedPackageJSONs(nodeModules string) []*packageJSON {
	entries, err := os.ReadDir(nodeModules)
	if err != nil {
		return nil
	}
	var out []*packageJSON
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if strings.HasPrefix(name, "@") {
			scoped, err := os.ReadDir(filepath.Join(nodeModules, name))
			if err != nil {
				continue
			}
			for _, s := range scoped {
				if pj, err := readPackageJSON(filepath.Join(nodeModules, name, s.Name(), "package.json")); err == nil {
					out = append(out, pj)
				}
			}
			continue
		}
		if pj, err := readPackageJSON(filepath.Join(nodeModules, name, "package.json")); err == nil {
			out = append(out, pj)
		}
	}
	return out
}

// GetProgramDependencies lists the dependencies declared by the package.json nearest to the program, with the
// versions Node.js would load.
func (h *host) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		return &pulumirpc.GetProgramDependenciesResponse{}, nil
	}
	var manifest *packageJSON
	for d := dir; ; d = filepath.Dir(d) {
		if pj, err := readPackageJSON(filepath.Join(d, "package.json")); err == nil {
			manifest = pj
			break
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	if manifest == nil {
		return &pulumirpc.GetProgramDependenciesResponse{}, nil
	}
	declared := map[string]string{}
	for k, v := range manifest.Dependencies {
		declared[k] = v
	}
	if req.GetTransitiveDependencies() {
		for k, v := range manifest.DevDependencies {
			declared[k] = v
		}
	}
	names := make([]string, 0, len(declared))
	for name := range declared {
		names = append(names, name)
	}
	sort.Strings(names)
	var deps []*pulumirpc.DependencyInfo
	for _, name := range names {
		v := declared[name]
		for d := dir; ; d = filepath.Dir(d) {
			if pj, err := readPackageJSON(filepath.Join(d, "node_modules", name, "package.json")); err == nil {
				v = pj.Version
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
		deps = append(deps, &pulumirpc.DependencyInfo{Name: name, Version: v})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: node,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}
