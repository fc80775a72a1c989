/** How long `run` takes, in ms (`performance.now()`, so a clock step of the machine does not move it). */
export async function timed(run: () => Promise<unknown>): Promise<number> {
    const start = performance.now();
    await run();
    return performance.now() - start;
}
