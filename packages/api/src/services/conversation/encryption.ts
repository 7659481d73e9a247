import { TRPCError } from "@trpc/server";

import type { MessageType } from "@parley/validators";

/** A plaintext send (REST, a bot, an old client) to a conversation that is end-to-end encrypted. */
export const plaintextRefused = () =>
  new TRPCError({
    code: "PRECONDITION_FAILED",
    message:
      "This conversation is end-to-end encrypted: messages to it must be encrypted on your device (the Parley app or SDK). A file may go as it is, without a caption.",
  });

/**
 * Until files are encrypted (ADR 0033), a file without a caption keeps today's path into an
 * encrypted conversation, and the app marks it "not end-to-end encrypted". Words never do: a
 * text, a place or a caption is encrypted on the device.
 */
export const mayEnterEncrypted = (input: { message_type?: MessageType; content?: string | null }) =>
  input.message_type !== undefined &&
  input.message_type !== "text" &&
  input.message_type !== "location" &&
  !input.content;
