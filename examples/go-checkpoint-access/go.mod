module github.com/pulumi-openai-checkpoint-permissions/examples/go-checkpoint-access

go 1.25

require (
	github.com/pulumi-openai-checkpoint-permissions/pulumi-openai-checkpoints/sdk v0.1.0
	github.com/pulumi/pulumi/sdk/v3 v3.276.0
)

// In the repository, the SDK is ../../sdk. A user's project gets the released module with `go get` (README, "The
// plugin: YAML, Python and Go") and has no replace.
replace github.com/pulumi-openai-checkpoint-permissions/pulumi-openai-checkpoints/sdk => ../../sdk
