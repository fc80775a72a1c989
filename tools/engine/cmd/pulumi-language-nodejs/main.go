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
//   - It is started by the CLI with the engine's address as its last argument (optionally preceded by the logging and
//     tracing flags every plugin receives), serves the LanguageRuntime gRPC service on a free loopback port and prints
//     that port on its first line of stdout.
//   - Run starts `node <@pulumi/pulumi/cmd/run> --monitor … --engine … <entry point>` in the program's directory, with
//     the stack configuration in PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS and TypeScript enabled through ts-node
//     (PULUMI_NODEJS_TYPESCRIPT), which is the contract of the @pulumi/pulumi Node SDK.
//   - RunPlugin starts Node.js plugins; Node policy packs (kind "analyzer", `pulumi preview --policy-pack dir`) run
//     through @pulumi/pulumi/cmd/run-policy-pack behind the SDK's PolicyProxy, which is how the CLI starts policy packs
//     since Pulumi 3.221 (no pulumi-analyzer-policy shim is needed).
//   - GetRequiredPackages reports Pulumi resource packages installed in the program's node_modules.
//   - InstallDependencies does not install anything: the repository's npm install provides node_modules.
//
// Not supported (the CLI gets Unimplemented): code generation (GenerateProject/Program/Package), Pack, Link, Template.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/shlex"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Exit code with which @pulumi/pulumi's run script signals that it already printed an actionable error.
const exitCodeUserActionableMessage = 32

func main() {
	// The CLI passes every plugin -logtostderr and -v=N (registered on the default flag set by the SDK's logging
	// package) and --tracing <endpoint> before the engine address.
	tracing := flag.String("tracing", "", "tracing endpoint (accepted and ignored)")
	// Hosts started by the plugin host of older Pulumi SDKs (v3.206's, in Pulumi YAML's language host, which loads
	// source-based plugins itself to read their schemas) get -root=<dir> and each runtime option of the plugin's
	// PulumiPlugin.yaml as -<option>=<value>. The request carries the same values (ProgramInfo); the flags are
	// defaults for a request without options.
	root := flag.String("root", "", "the project's root directory (accepted and ignored)")
	flag.BoolVar(&flagOptions.typescript, "typescript", true, "runtime option typescript, for requests without options")
	flag.StringVar(&flagOptions.tsconfig, "tsconfig", "", "runtime option tsconfig, for requests without options")
	flag.Func("nodeargs", "runtime option nodeargs, for requests without options", func(value string) error {
		args, err := shlex.Split(value)
		flagOptions.nodeargs = args
		return err
	})
	flag.String("packagemanager", "", "runtime option packagemanager (accepted and ignored: nothing is installed)")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()

	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	logging.InitLogging(false, 0, false) // keeps what -logtostderr and -v said
	_, _ = tracing, root

	engineAddress := ""
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[len(args)-1]
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stop)
	}()

	// Exit when the engine goes away, so an aborted CLI never leaves us behind.
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start the engine health check: %w", err))
		}
	}

	host := newHost(engineAddress)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start the language host's gRPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host stopped serving: %w", err))
	}
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	// Cancelled by the Cancel RPC: running programs get an interrupt.
	cancelCtx  context.Context
	cancelFunc context.CancelFunc
}

func newHost(engineAddress string) *host {
	ctx, cancel := context.WithCancel(context.Background())
	return &host{engineAddress: engineAddress, cancelCtx: ctx, cancelFunc: cancel}
}

func (h *host) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

// Handshake is used when the CLI attaches to an already running host (PULUMI_DEBUG_LANGUAGES).
func (h *host) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancelFunc()
	return &emptypb.Empty{}, nil
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
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		runPath = "@pulumi/pulumi/cmd/run"
	}
	runPath, err = resolveModule(ctx, node, info.GetProgramDirectory(), runPath)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	opts, err := parseOptions(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	configJSON, err := json.Marshal(nonNilMap(req.GetConfig()))
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	flagArg := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", h.engine())
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("root-directory", info.GetRootDirectory())
	flagArg("stack", req.GetStack())
	flagArg("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagArg("parallel", strconv.Itoa(int(req.GetParallel())))
	entryPoint := info.GetEntryPoint()
	if entryPoint == "" {
		entryPoint = "."
	}
	args = append(args, entryPoint)
	args = append(args, req.GetArgs()...)

	env := os.Environ()
	env = append(env, "PULUMI_CONFIG="+string(configJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	env = append(env, opts.env()...)

	// Stop the program if the request goes away or the engine sends Cancel.
	cmdCtx, cmdCancel := context.WithCancel(h.cancelCtx)
	defer cmdCancel()
	stopWatching := context.AfterFunc(ctx, cmdCancel)
	defer stopWatching()

	cmd := exec.CommandContext(cmdCtx, node, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = info.GetProgramDirectory()
	cmd.Env = env
	// Wrapped so exec copies through a pipe: Node may switch its stdio to non-blocking mode, which must not leak
	// into our own stdout/stderr.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	logging.V(5).Infof("running %s %s", node, strings.Join(args, " "))

	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitCodeUserActionableMessage {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: "could not run the program: " + err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
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

// InstallDependencies installs nothing: the programs run from this repository's node_modules.
func (h *host) InstallDependencies(
	_ *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return server.Send(&pulumirpc.InstallDependenciesResponse{
		Stdout: []byte("Dependencies are managed by the repository's npm install; nothing to do.\n"),
	})
}

func (h *host) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}
