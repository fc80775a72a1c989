/**
 * Entry of the plugin's single executable (`npm run release`, tools/release/plugin-binary.ts): esbuild bundles this
 * with @pulumi/pulumi and everything else into one script, which a Node.js binary runs as a single executable
 * application. There `require` loads built-in modules only, so the parts of @pulumi/pulumi the Configure handoff
 * wraps (./configure.ts), which the folder plugin resolves from the SDK's own location, are named here statically:
 * the bundler then includes the very modules `main()` serves with.
 */
import { sdkParts } from "./configure";
import { start } from "./main";

const BUNDLED: Readonly<Record<string, () => unknown>> = {
    "@grpc/grpc-js": () => require("@grpc/grpc-js"),
    "../package.json": () => require("@pulumi/pulumi/package.json"),
    "../proto/provider_grpc_pb": () => require("@pulumi/pulumi/proto/provider_grpc_pb"),
    "../proto/provider_pb": () => require("@pulumi/pulumi/proto/provider_pb"),
};

start(
    sdkParts((id) => {
        const load = BUNDLED[id];
        if (!load) throw new Error(`the plugin's bundle does not include ${id}`);
        return load();
    }),
);
