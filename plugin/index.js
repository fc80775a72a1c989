// Entry of the openai-checkpoints provider plugin (see PulumiPlugin.yaml): serves the compiled provider in ../dist.
"use strict";
require("../dist/provider/plugin/main")
    .serve()
    .catch((error) => {
        // Before a port is printed, or just after: the engine reports the plugin's exit with this line.
        console.error(error instanceof Error ? error.message : String(error));
        process.exit(1);
    });
