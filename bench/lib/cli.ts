// Command-line options of a benchmark (`--messages=5000`) and the one way figures are printed.

/** The number given as `--name=value`, or `fallback`. */
export function numberOption(name: string, fallback: number): number {
  const prefix = `--${name}=`;
  const given = process.argv.find((arg) => arg.startsWith(prefix));
  if (given === undefined) return fallback;
  const value = Number(given.slice(prefix.length));
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number >= 0, got "${given.slice(prefix.length)}"`);
  return value;
}

/**
 * Figures go to run-all.js over IPC when it started this benchmark, otherwise to stdout as one JSON
 * document; logs go to stderr either way.
 */
export function printFigures(figures: unknown): void {
  if (process.send) process.send({ type: "figures", figures });
  else process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}

/** Runs a benchmark's main: figures printed, a failure reported on stderr with exit code 1. */
export function runMain(main: () => Promise<unknown>): void {
  main().then(printFigures, (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

/**
 * The order in which two sides take turns over `rounds` rounds: A B B A, A B B A, ... so that a drift
 * during the run (a store growing, the machine warming up or getting busier) weighs on both alike.
 */
export function alternating<T>(first: T, second: T, rounds: number): T[] {
  return Array.from({ length: Math.max(1, rounds) }, () => [first, second, second, first]).flat();
}

/** `total` split into `parts` near-equal whole parts. */
export function splitEvenly(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, index) => Math.floor(((index + 1) * total) / parts) - Math.floor((index * total) / parts));
}
