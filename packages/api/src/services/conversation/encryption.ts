import { TRPCError } from "@trpc/server";

/** A plaintext send (REST, a bot, an old client) to a conversation that is end-to-end encrypted. */
export const plaintextRefused = () =>
  new TRPCError({
    code: "PRECONDITION_FAILED",
    message:
      "This conversation is end-to-end encrypted: messages to it must be encrypted on your device (the Parley app or SDK).",
  });
