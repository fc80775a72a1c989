module github.com/pulumi-openai-checkpoint-permissions/pulumi-openai-checkpoints/tools/release/goproxy

go 1.26.0

require golang.org/x/mod v0.42.0
