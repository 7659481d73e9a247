/**
 * Two people chat through the SDK: sign up, subscribe to live events, send,
 * watch the ticks go from sent to delivered to read.
 *
 * Start Parley with test numbers (no SMS needed), then run this:
 *   OTP_TEST_NUMBERS="+1415201*:123456" pnpm start
 *   pnpm --filter @parley/sdk example            # PARLEY_URL=ws://127.0.0.1:4000/ws by default
 */
import { randomInt, randomUUID } from "node:crypto";

import { createParleyClient, type ParleyEvent } from "@parley/sdk/node";

const url = process.env.PARLEY_URL ?? "ws://127.0.0.1:4000/ws";
const code = process.env.PARLEY_TEST_CODE ?? "123456";

async function signUp(name: string) {
  const anonymous = createParleyClient({ url });
  try {
    const phone_number = `+1415201${String(randomInt(0, 10_000)).padStart(4, "0")}`;
    await anonymous.auth.register.mutate({ phone_number, full_name: name });
    return await anonymous.auth.verifyOtp.mutate({ phone_number, otp: code, password: "example-password" });
  } finally {
    await anonymous.close();
  }
}

const ana = await signUp("Ana");
const ben = await signUp("Ben");
const anaClient = createParleyClient({ url, token: ana.token });
const benClient = createParleyClient({ url, token: ben.token });

const log = (who: string) => (event: ParleyEvent, id: string | null) =>
  process.stdout.write(`${who} ← ${event.type}${id ? ` #${id}` : ""} ${JSON.stringify(event).slice(0, 120)}\n`);

const anaLive = anaClient.subscribeEvents({ selfUserId: ana.user.id, onEvent: log("Ana") });
const benLive = benClient.subscribeEvents({
  selfUserId: ben.user.id,
  onEvent: (event, id) => {
    log("Ben")(event, id);
    // Ben reads what arrives (the SDK already acknowledged delivery).
    if (event.type === "new_message") void benClient.chat.read.mutate({ chat_id: event.message.chat_id });
  },
});

await new Promise((resolve) => setTimeout(resolve, 300));
const sent = await anaClient.message.send.mutate({
  receiver_id: ben.user.id,
  content: "Hi Ben!",
  client_msg_id: randomUUID(),
});
process.stdout.write(`Ana sent message ${sent.id} (seq ${sent.seq}), status ${sent.status}\n`);

await new Promise((resolve) => setTimeout(resolve, 1_000));
const [chat] = (await anaClient.chat.list.query({ limit: 1 })).chats;
const title = chat?.type === "group" ? chat.group.name : chat?.peer.full_name;
process.stdout.write(`Ana's chat list: ${title}: "${chat?.last_message?.content}" is ${chat?.last_message?.status}\n`);

anaLive.unsubscribe();
benLive.unsubscribe();
await Promise.all([anaClient.close(), benClient.close()]);
