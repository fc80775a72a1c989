// Entry of the openai-checkpoints provider plugin (see PulumiPlugin.yaml): serves the compiled provider in ../dist.
"use strict";
require("../dist/provider/plugin/main").start();
