import { z } from "zod";

import { displayNameSchema, idSchema, messageIdSchema, seqSchema } from "./common";
import {
  clientMsgIdSchema,
  checkMessageBody,
  conversationMessageOutput,
  messageBodyFields,
  messageStatusSchema,
  storedMessageTypeSchema,
  oneDirection,
  seqPage,
} from "./message";
import { mediaIdSchema } from "./media";
import { publicProfileOutput } from "./user";

/** WhatsApp's limit; the server's is configurable (GROUP_MAX_MEMBERS) but never above this. */
export const GROUP_MAX_MEMBERS = 256;
export const GROUP_NAME_MAX_LENGTH = 100;
export const GROUP_DESCRIPTION_MAX_LENGTH = 2048;

export const groupRoleSchema = z.enum(["admin", "member"]);

const groupName = displayNameSchema({ label: "Group name", max: GROUP_NAME_MAX_LENGTH });

const groupDescription = z
  .string()
  .trim()
  .max(GROUP_DESCRIPTION_MAX_LENGTH, `A group description is at most ${GROUP_DESCRIPTION_MAX_LENGTH} characters`);

const pictureUrl = z
  .url({ protocol: /^https?$/, error: "Group picture must be an http(s) URL" })
  .max(2048, "Group picture URL is at most 2048 characters");

const memberIds = z
  .array(idSchema)
  .max(GROUP_MAX_MEMBERS - 1, `A group has at most ${GROUP_MAX_MEMBERS} members`)
  .refine((ids) => new Set(ids).size === ids.length, "Each member is listed once");

export const createGroupInput = z.object({
  name: groupName,
  description: groupDescription.optional(),
  profile_picture_url: pictureUrl.optional(),
  picture_media_id: mediaIdSchema.optional().meta({ description: "An upload made with purpose group_picture" }),
  member_ids: memberIds.default([]).meta({ description: "Who to add besides you (you become the admin)" }),
});

export const groupIdInput = z.object({ group_id: idSchema });

export const updateGroupInput = z
  .object({
    group_id: idSchema,
    name: groupName.optional(),
    description: groupDescription.nullable().optional(),
    profile_picture_url: pictureUrl.nullable().optional(),
    picture_media_id: mediaIdSchema
      .nullable()
      .optional()
      .meta({ description: "An upload made with purpose group_picture; null removes it" }),
  })
  .refine(
    (input) =>
      input.name !== undefined ||
      input.description !== undefined ||
      input.profile_picture_url !== undefined ||
      input.picture_media_id !== undefined,
    { message: "Give at least one of name, description, profile_picture_url or picture_media_id" },
  );

export const addGroupMembersInput = z
  .object({
    group_id: idSchema,
    user_ids: memberIds.optional(),
    user_id: idSchema.optional().meta({ description: "One member to add (or give user_ids)" }),
  })
  .transform(({ group_id, user_ids, user_id }) => ({
    group_id,
    user_ids: [...new Set([...(user_ids ?? []), ...(user_id === undefined ? [] : [user_id])])],
  }))
  .refine((input) => input.user_ids.length > 0, { message: "Give user_id or user_ids: who to add" });

export const groupMemberInput = z.object({ group_id: idSchema, user_id: idSchema });

export const setGroupRoleInput = z.object({
  group_id: idSchema,
  user_id: idSchema,
  role: groupRoleSchema,
});

export const systemActionSchema = z.enum([
  "created",
  "added",
  "removed",
  "left",
  "promoted",
  "demoted",
  "renamed",
  "description_changed",
  "picture_changed",
]);

/** What a system message ("Ana added Ben") records, so clients can render it with current names. */
export const systemEventOutput = z
  .object({
    action: systemActionSchema,
    actor_id: z.number().int(),
    user_ids: z.array(z.number().int()),
    name: z.string().nullable().meta({ description: "The new group name, for created and renamed" }),
  })
  .meta({ id: "SystemEvent" });

export const groupMessageTypeSchema = z.enum([...storedMessageTypeSchema.options, "system"]);

export const groupMessageOutput = conversationMessageOutput
  .extend({
    group_id: z.number().int(),
    message_type: groupMessageTypeSchema,
    system: systemEventOutput.nullable(),
    status: messageStatusSchema.meta({
      description: "sent when stored, delivered when every member has it, read when every member has read it",
    }),
  })
  .meta({ id: "GroupMessage" });

export const groupMemberOutput = z
  .object({
    user_id: z.number().int(),
    role: groupRoleSchema,
    joined_at: z.iso.datetime(),
    profile: publicProfileOutput,
  })
  .meta({ id: "GroupMember" });

/** A group as it appears in lists: no member roster. */
export const groupSummaryOutput = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    profile_picture_url: z.string().nullable(),
    picture_media_id: z
      .uuid()
      .nullable()
      .meta({ description: "The group picture, if uploaded; fetch it with media.url" }),
    created_by: z.number().int(),
    created_at: z.iso.datetime(),
    member_count: z.number().int(),
    is_member: z
      .boolean()
      .meta({ description: "False once you left or were removed: history up to then stays readable" }),
    my_role: groupRoleSchema.nullable(),
    left_reason: z
      .enum(["left", "removed"])
      .nullable()
      .meta({ description: "Why you are no longer a member, if you aren't" }),
    e2ee: z.boolean().meta({ description: "End-to-end encrypted: messages are MLS ciphertext (see encrypted)" }),
  })
  .meta({ id: "GroupSummary" });

export const groupOutput = groupSummaryOutput
  .extend({
    updated_at: z.iso.datetime(),
    last_seq: z.number().int(),
    members: z.array(groupMemberOutput),
  })
  .meta({ id: "Group" });

export const groupListOutput = z.object({ groups: z.array(groupSummaryOutput) });

export const sendGroupMessageInput = z
  .object({
    group_id: idSchema,
    ...messageBodyFields,
    client_msg_id: clientMsgIdSchema,
    reply_to_message_id: messageIdSchema.optional(),
  })
  .transform(checkMessageBody);

export const listGroupMessagesInput = seqPage.extend({ group_id: idSchema }).refine(...oneDirection);

export const groupMessagePageOutput = z.object({
  messages: z.array(groupMessageOutput),
  next_cursor: z.number().int().nullable().meta({ description: "Pass as before_seq (or after_seq) for the next page" }),
});

export const markGroupReadInput = z.object({
  group_id: idSchema,
  up_to_seq: seqSchema.optional().meta({ description: "Defaults to the newest message" }),
});

export const groupReadOutput = z.object({
  group_id: z.number().int(),
  up_to_seq: z.number().int(),
  unread_count: z.number().int(),
});

export const groupTypingInput = z.object({ group_id: idSchema, is_typing: z.boolean() });

export const messageInfoInput = z.object({ message_id: messageIdSchema });

export const messageInfoOutput = z.object({
  message_id: z.number().int(),
  recipients: z.array(
    z.object({
      user_id: z.number().int(),
      profile: publicProfileOutput,
      delivered_at: z.iso.datetime().nullable(),
      read_at: z.iso.datetime().nullable(),
    }),
  ),
});

export type GroupRole = z.infer<typeof groupRoleSchema>;
export type SystemAction = z.infer<typeof systemActionSchema>;
export type SystemEvent = z.infer<typeof systemEventOutput>;
export type GroupMessageOutput = z.infer<typeof groupMessageOutput>;
export type GroupSummary = z.infer<typeof groupSummaryOutput>;
export type GroupOutput = z.infer<typeof groupOutput>;
export type CreateGroupInput = z.infer<typeof createGroupInput>;
export type UpdateGroupInput = z.infer<typeof updateGroupInput>;
export type SendGroupMessageInput = z.infer<typeof sendGroupMessageInput>;
export type ListGroupMessagesInput = z.infer<typeof listGroupMessagesInput>;
export type MessageInfo = z.infer<typeof messageInfoOutput>;
