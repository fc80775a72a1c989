module github.com/pulumi-openai-checkpoint-permissions/pulumi-openai-checkpoints/sdk

go 1.25

require github.com/pulumi/pulumi/sdk/v3 v3.269.0
