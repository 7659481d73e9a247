import type { Presence } from "@parley/realtime";
import type { DurableEvent } from "@parley/validators";

import type { Logger } from "../logger";

/**
 * Where an event goes when its recipient has no live connection: the seam
 * for push notifications (Web Push with VAPID, FCM/APNs). The event itself is
 * already stored and will be replayed when a device reconnects; a notifier
 * only wakes the user up.
 */
export type Notifier = {
  notifyOffline(userId: number, event: DurableEvent): Promise<void>;
};

/** Until push lands: record what would have been pushed. */
export function createLogNotifier(log: Logger): Notifier {
  return {
    notifyOffline: async (userId, event) => {
      log.debug({ userId, type: event.type }, "recipient offline: push notification would be sent");
    },
  };
}

/** Those of `userIds` with no live connection anywhere get the event pushed. Never fails the caller's send. */
export async function notifyOffline(
  deps: { presence: Pick<Presence, "onlineUsers">; notifier: Notifier; log: Logger },
  userIds: number[],
  event: DurableEvent,
) {
  if (userIds.length === 0) return;
  try {
    const online = await deps.presence.onlineUsers(userIds);
    await Promise.all(userIds.filter((id) => !online.has(id)).map((id) => deps.notifier.notifyOffline(id, event)));
  } catch (error) {
    deps.log.warn({ err: error }, "offline notification failed");
  }
}
