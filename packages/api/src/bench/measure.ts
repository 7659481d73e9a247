/** What the api package's benchmarks share: options, a fixed-concurrency runner, a Markdown table. */

/** `--name=value` options from the command line. */
export function parseOptions(argv: string[] = process.argv.slice(2)): Map<string, string> {
  return new Map(
    argv.map((arg) => {
      const [key, value] = arg.replace(/^--/, "").split("=");
      return [key ?? "", value ?? ""];
    }),
  );
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export type Measured = { perSecond: number; p50: number; p99: number };

/** Runs `task` `count` times, `concurrency` at a time: tasks per second and per-task latency (ms). */
export async function measure(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<unknown>,
): Promise<Measured> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const began = performance.now();
        await task(index);
        latencies.push(performance.now() - began);
      }
    }),
  );
  return {
    perSecond: count / ((performance.now() - start) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  process.stdout.write(
    `\n${[line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n")}\n`,
  );
}
