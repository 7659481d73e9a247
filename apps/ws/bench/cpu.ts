import { readdirSync, readFileSync } from "node:fs";

// /proc/<pid>/stat utime+stime are in clock ticks; 100 per second on Linux.
const TICKS_PER_SECOND = 100;

function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function pidsNamed(name: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === name;
      } catch {
        return false;
      }
    })
    .map(Number);
}

export type CpuSnapshot = Record<"server" | "postgres" | "redis" | "loadgen", number>;

/** CPU seconds used so far by the server process, every PostgreSQL and Redis process, and this process. */
export function snapshotCpu(serverPid: number): CpuSnapshot {
  const own = process.cpuUsage();
  return {
    server: cpuSecondsOf(serverPid),
    postgres: pidsNamed("postgres").reduce((sum, pid) => sum + cpuSecondsOf(pid), 0),
    redis: pidsNamed("redis-server").reduce((sum, pid) => sum + cpuSecondsOf(pid), 0),
    loadgen: (own.user + own.system) / 1e6,
  };
}

/** CPU milliseconds per message for each component between two snapshots. */
export function cpuPerMessage(before: CpuSnapshot, after: CpuSnapshot, messages: number): string {
  if (messages === 0) return "—";
  const part = (key: keyof CpuSnapshot) => (((after[key] - before[key]) * 1000) / messages).toFixed(2);
  return `server ${part("server")} · postgres ${part("postgres")} · redis ${part("redis")} · loadgen ${part("loadgen")}`;
}
