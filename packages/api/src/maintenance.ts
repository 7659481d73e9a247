import type { Runtime } from "./runtime";
import { pruneEvents } from "./services/events";
import { cleanupMedia, clearExpiredUploads } from "./services/media/media";
import { sweepPresence } from "./services/presence";

const PRESENCE_SWEEP_MS = 15_000;
const EVENT_PRUNE_MS = 60 * 60 * 1000;
const MEDIA_CLEANUP_MS = 10 * 60 * 1000;

/**
 * Background upkeep every server process runs: marking users offline whose
 * connections died with a crashed instance, trimming the event log to its
 * retention window, deleting uploads nobody sent, and clearing the upload keys of checked
 * uploads once their upload URL has expired. Safe on many instances at once.
 */
export function startMaintenance(runtime: Runtime): () => void {
  const run = (name: string, task: () => Promise<void>) => () => {
    task().catch((error: unknown) => runtime.log.warn({ err: error, task: name }, "maintenance task failed"));
  };
  const timers = [
    setInterval(
      run("presence sweep", () => sweepPresence(runtime)),
      PRESENCE_SWEEP_MS,
    ),
    setInterval(
      run("event prune", () => pruneEvents(runtime)),
      EVENT_PRUNE_MS,
    ),
    setInterval(
      run("media cleanup", async () => {
        // Batches until nothing is left, so a backlog doesn't wait for the next tick.
        while ((await cleanupMedia(runtime)) > 0);
        while ((await clearExpiredUploads(runtime)) > 0);
      }),
      MEDIA_CLEANUP_MS,
    ),
  ];
  for (const timer of timers) timer.unref();
  return () => timers.forEach(clearInterval);
}
