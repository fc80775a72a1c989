// Package langhost is what this repository's language hosts (cmd/pulumi-language-nodejs,
// cmd/pulumi-language-python, cmd/pulumi-language-go) share: starting up the way the Pulumi CLI starts every language
// plugin, the RPCs whose answer does not depend on the language (a host overrides those it can answer better),
// running the program process, runtime options that are all strings, the flags of a run script, and programgen
// (GenerateProgram) with pkg/v3's code generators.
package langhost

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
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	hclsyntax "github.com/pulumi/pulumi/pkg/v3/codegen/hcl2/syntax"
	"github.com/pulumi/pulumi/pkg/v3/codegen/pcl"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// ExitStatusReported is the exit status with which a program says it has already shown its error to the user
// (through the engine's log): the host then answers Run with Bail, and the CLI adds no message of its own. The Go
// SDK's pulumi.Run and the Node.js SDK's run script exit with it; our Python run script does too.
const ExitStatusReported = 32

// Main serves the host newHost makes as the LanguageRuntime gRPC service the way the CLI expects of a language plugin,
// and returns when the service stops. Register the host's own flags (runtime options given as flags) on
// flag.CommandLine first. installMessage is what InstallDependencies answers (see Base).
//
// The CLI starts a language plugin as `<plugin> [-logtostderr] [-v=N] [--tracing <endpoint>] <engine address>` and
// reads the port it serves on from the first line of its stdout. The plugin host of older Pulumi SDKs (such as the
// one inside Pulumi YAML's language host) passes -root=<dir> and the project's runtime options as flags too.
func Main(installMessage string, newHost func(base *Base) pulumirpc.LanguageRuntimeServer) {
	// -logtostderr and -v are registered on the default flag set by the SDK's logging package.
	tracing := flag.String("tracing", "", "tracing endpoint (accepted and ignored)")
	root := flag.String("root", "", "the project's root directory (accepted and ignored: requests carry it)")
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

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, newHost(newBase(engineAddress, installMessage)))
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

// Base answers the RPCs whose answer does not depend on the language; a host embeds the one Main makes. Every RPC
// neither Base nor the host implements answers Unimplemented.
type Base struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	// Cancelled by the Cancel RPC: running programs get an interrupt.
	cancelCtx  context.Context
	cancelFunc context.CancelFunc
	// What InstallDependencies says instead of installing anything.
	installMessage string
}

func newBase(engineAddress, installMessage string) *Base {
	ctx, cancel := context.WithCancel(context.Background())
	return &Base{engineAddress: engineAddress, cancelCtx: ctx, cancelFunc: cancel, installMessage: installMessage}
}

// Engine is the engine's address, from the command line or the last Handshake.
func (b *Base) Engine() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.engineAddress
}

// Handshake is used when the CLI attaches to an already running host (PULUMI_DEBUG_LANGUAGES).
func (b *Base) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (b *Base) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (b *Base) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	b.cancelFunc()
	return &emptypb.Empty{}, nil
}

// GetRequiredPackages reports no packages: the engine tests name their plugins in Pulumi.yaml (`plugins`) and run
// with automatic plugin acquisition disabled, so there is nothing to install ahead of the run.
func (b *Base) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// GetProgramDependencies reports no dependencies (`pulumi about` lists none).
func (b *Base) GetProgramDependencies(
	context.Context, *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

func (b *Base) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

// InstallDependencies installs nothing and answers the host's install message (`pulumi install`, `pulumi new`).
func (b *Base) InstallDependencies(
	_ *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return server.Send(&pulumirpc.InstallDependenciesResponse{
		Stdout: []byte(b.installMessage + "\n"),
	})
}

// ConfigEnv is the stack's configuration in the environment variables every Pulumi SDK reads: PULUMI_CONFIG (a JSON
// object of `<namespace>:<key>` to value) and PULUMI_CONFIG_SECRET_KEYS (a JSON array of the secret keys).
func ConfigEnv(req *pulumirpc.RunRequest) ([]string, error) {
	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
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
	return []string{"PULUMI_CONFIG=" + string(configJSON), "PULUMI_CONFIG_SECRET_KEYS=" + string(secretKeysJSON)}, nil
}

// RunFlags are the Run request's settings as the flags of a run script: `--<name> <value>` for each one the request
// has, and `--dry-run` for a preview. The names are those of the Node.js SDK's run script (@pulumi/pulumi/cmd/run),
// which our Python run script takes too.
func (b *Base) RunFlags(req *pulumirpc.RunRequest) []string {
	var args []string
	flagArg := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", b.Engine())
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("root-directory", req.GetInfo().GetRootDirectory())
	flagArg("stack", req.GetStack())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagArg("parallel", strconv.Itoa(int(req.GetParallel())))
	return args
}

// RunProgram runs a program process to its end for the Run RPC, its output going where the host's goes (the CLI
// shows it). The Cancel RPC, or the request going away, interrupts it. Exit status 0 answers success,
// ExitStatusReported answers Bail (the program has shown its error), anything else an error naming the status.
func (b *Base) RunProgram(ctx context.Context, dir string, env []string, name string, args ...string) *pulumirpc.RunResponse {
	cmdCtx, cmdCancel := context.WithCancel(b.cancelCtx)
	defer cmdCancel()
	stopWatching := context.AfterFunc(ctx, cmdCancel)
	defer stopWatching()

	cmd := exec.CommandContext(cmdCtx, name, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = dir
	cmd.Env = env
	// Wrapped so exec copies through a pipe: the program may switch its stdio to non-blocking mode, which must not
	// leak into our own stdout/stderr.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	logging.V(5).Infof("running %s %s in %s", name, strings.Join(args, " "), dir)

	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == ExitStatusReported {
				return &pulumirpc.RunResponse{Bail: true}
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}
		}
		return &pulumirpc.RunResponse{Error: "could not run the program: " + err.Error()}
	}
	return &pulumirpc.RunResponse{}
}

// StringOptions are the runtime options (`runtime.options` in Pulumi.yaml) of a host whose options are all strings,
// by name.
type StringOptions map[string]string

// Flags registers each named option as a flag on flag.CommandLine (call it before Main): older plugin hosts give a
// plugin's runtime options as flags (see Main), and those hold for requests without options.
func (o StringOptions) Flags(names ...string) {
	for _, name := range names {
		flag.Func(name, "runtime option "+name+", for requests without options", func(value string) error {
			o[name] = value
			return nil
		})
	}
}

// Of are the options the request carries, else those given as flags. Each option of the request must be a string,
// whether the host knows it or not.
func (o StringOptions) Of(info *pulumirpc.ProgramInfo) (StringOptions, error) {
	if len(info.GetOptions().GetFields()) == 0 {
		return o, nil
	}
	given := StringOptions{}
	for name, value := range info.GetOptions().AsMap() {
		text, isString := value.(string)
		if !isString {
			return nil, fmt.Errorf("runtime option %s must be a string", name)
		}
		given[name] = text
	}
	return given, nil
}

// Generator writes a bound PCL program in one language: pkg/v3's codegen/<language>.GenerateProgram.
type Generator func(program *pcl.Program) (map[string][]byte, hcl.Diagnostics, error)

// GenerateProgram answers the GenerateProgram RPC, which `pulumi import` (and `pulumi convert`) call to print a
// program in the project's language: it parses the request's PCL, binds it with the schemas of the packages it
// uses, which the CLI serves on req.LoaderTarget (a source-based plugin's schema included), and writes it with
// generate. Binding is lenient unless the request asks for strict (the CLI's import does not: the program it sends
// may name a parent or provider it does not declare).
func GenerateProgram(
	ctx context.Context, req *pulumirpc.GenerateProgramRequest, generate Generator, bindOptions ...pcl.BindOption,
) (*pulumirpc.GenerateProgramResponse, error) {
	parser := hclsyntax.NewParser()
	for name, text := range req.GetSource() {
		if err := parser.ParseFile(strings.NewReader(text), name); err != nil {
			return nil, fmt.Errorf("parsing %s: %w", name, err)
		}
	}
	if parser.Diagnostics.HasErrors() {
		return &pulumirpc.GenerateProgramResponse{
			Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(parser.Diagnostics),
		}, nil
	}

	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, fmt.Errorf("connecting to the CLI's schema loader: %w", err)
	}
	defer loader.Close()

	options := append([]pcl.BindOption{}, bindOptions...)
	if !req.GetStrict() {
		options = append(options, pcl.NonStrictBindOptions()...)
	}
	program, bindDiags, err := pcl.BindProgramWithContext(ctx, parser.Files, schema.NewCachedLoader(loader), options...)
	if err != nil {
		return nil, fmt.Errorf("binding the program: %w", err)
	}
	diagnostics := plugin.HclDiagnosticsToRPCDiagnostics(bindDiags)
	if bindDiags.HasErrors() {
		return &pulumirpc.GenerateProgramResponse{Diagnostics: diagnostics}, nil
	}
	if program == nil {
		return nil, errors.New("binding the program gave no program and no error")
	}

	files, genDiags, err := generate(program)
	if err != nil {
		return nil, fmt.Errorf("generating the program: %w", err)
	}
	return &pulumirpc.GenerateProgramResponse{
		Source:      files,
		Diagnostics: append(diagnostics, plugin.HclDiagnosticsToRPCDiagnostics(genDiags)...),
	}, nil
}

// Version runs `<executable> <args…>` in dir and returns its output, trimmed (for the About RPC).
func Version(ctx context.Context, dir, executable string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, executable, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", executable, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return strings.TrimSpace(string(out)), nil
}
