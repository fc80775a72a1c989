module github.com/pulumi-openai-checkpoint-permissions/examples/go-checkpoint-access

go 1.25

require (
	github.com/pulumi-openai-checkpoint-permissions/sdk/go v0.1.0
	github.com/pulumi/pulumi/sdk/v3 v3.276.0
)

// The SDK ships in the npm package: `npm install pulumi-openai-checkpoint-permissions` puts it here.
replace github.com/pulumi-openai-checkpoint-permissions/sdk/go => ./node_modules/pulumi-openai-checkpoint-permissions/sdk/go
