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
