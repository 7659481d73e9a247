import { randomInt, randomUUID } from "node:crypto";

import {
  createParleyClient,
  errorCode,
  type LiveOptions,
  type LiveSubscription,
  type ParleyClient,
} from "@parley/sdk/node";

const url = process.env.PARLEY_URL ?? "ws://127.0.0.1:4000/ws";
// The code OTP_TEST_NUMBERS="+1415201*:123456" gives every +1415201… number, so no SMS is needed.
const otp = process.env.PARLEY_TEST_CODE ?? "123456";
const password = "example-password";
const say = (line: string) => process.stdout.write(`${line}\n`);

async function signUpAndLogIn(full_name: string) {
  const anonymous = createParleyClient({ url });
  try {
    let phone_number: string;
    for (;;) {
      phone_number = `+1415201${String(randomInt(0, 10_000)).padStart(4, "0")}`;
      try {
        await anonymous.auth.register.mutate({ phone_number, full_name }); // sends the code by SMS
        break;
      } catch (error) {
        // CONFLICT: someone already has this number; pick another.
        if (errorCode(error) !== "CONFLICT") throw error;
      }
    }
    await anonymous.auth.verifyOtp.mutate({ phone_number, otp, password });
    const { user, token } = await anonymous.auth.login.mutate({ phone_number, password });
    return { user, client: createParleyClient({ url, token }) };
  } finally {
    await anonymous.close();
  }
}

/** Subscribes to live events; resolves once the stream is live (it opens with `group_heads`). */
function listen(client: ParleyClient, options: LiveOptions & { selfUserId: number }) {
  return new Promise<LiveSubscription>((resolve) => {
    const live = client.subscribeEvents({
      ...options,
      onEvent: (event, id) => {
        if (event.type === "group_heads") resolve(live);
        options.onEvent(event, id);
      },
    });
  });
}

const ana = await signUpAndLogIn("Ana");
const ben = await signUpAndLogIn("Ben");

let onDelivered = () => {};
const delivered = new Promise<void>((resolve) => (onDelivered = resolve));
const anaLive = await listen(ana.client, {
  selfUserId: ana.user.id,
  onEvent: (event) => {
    if (event.type === "message_status_update")
      say(`Ana sees ${event.status} for message ${event.message_ids.join(", ")}`);
    if (event.type === "message_status_update" && event.status === "delivered") onDelivered();
  },
});
const benLive = await listen(ben.client, {
  selfUserId: ben.user.id,
  // Ben's SDK acknowledges what arrives, which turns Ana's tick to delivered.
  onEvent: (event) => {
    if (event.type === "new_message") say(`Ben got "${event.message.content}" from ${event.message.sender_id}`);
  },
});

// People are reached through a tie: Ana looks Ben up by his number, then writes to him.
const found = await ana.client.user.search.query({ phone_number: ben.user.phone_number });
const sent = await ana.client.message.send.mutate({
  receiver_id: found.id,
  content: "Hi Ben!",
  client_msg_id: randomUUID(), // sending again with the same id returns this message instead of a second one
});
say(`Ana sent message ${sent.id} (seq ${sent.seq}): ${sent.status}`);

await delivered;
anaLive.unsubscribe();
benLive.unsubscribe();
await Promise.all([ana.client.close(), ben.client.close()]);
