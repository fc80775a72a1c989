// See, manage and police who may use your OpenAI fine-tuned model checkpoints.
package openaicheckpoints
