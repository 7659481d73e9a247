import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";

import {
  addContactInput,
  blockedListOutput,
  blockInput,
  contactListOutput,
  contactOutput,
  contactPhoneInput,
  importContactsInput,
  importContactsOutput,
  messageOnlyOutput,
  updateContactInput,
} from "@parley/validators";

import * as blocks from "../services/blocks";
import * as contacts from "../services/contacts";
import { protectedProcedure } from "../trpc";

const tags = ["contacts"];

export const contactRouter = {
  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/contacts",
        tags,
        summary: "Your contacts, and which of them are on Parley",
        protect: true,
      },
    })
    .input(z.void())
    .output(contactListOutput)
    .query(({ ctx }) => contacts.listContacts(ctx.deps, ctx.session.userId)),

  add: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/contacts",
        tags,
        summary: "Add a contact (a phone number and the name you give it)",
        description: "409 if the number is in your contacts already (rename it instead).",
        protect: true,
        errorResponses: [409],
      },
    })
    .input(addContactInput)
    .output(contactOutput)
    .mutation(({ ctx, input }) => contacts.addContact(ctx.deps, ctx.session.userId, input)),

  import: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/contacts/import",
        tags,
        summary: "Add many contacts at once; answers who is on Parley",
        description:
          "Up to 5,000 entries; numbers that aren't valid are skipped and listed, and ones you have are renamed. At most 10 imports an hour and RATE_LIMIT_CONTACT_IMPORTS_PER_DAY (20) a day, then 429.",
        protect: true,
      },
    })
    .input(importContactsInput)
    .output(importContactsOutput)
    .mutation(({ ctx, input }) => contacts.importContacts(ctx.deps, ctx.session.userId, input)),

  block: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/contacts/block",
        tags,
        summary: "Block a user",
        description:
          "Stops messages, reactions, typing and group adds either way, and hides your presence, picture and about from them. 404 for someone you have no tie with.",
        protect: true,
        errorResponses: [404],
      },
    })
    .input(blockInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => contacts.blockContact(ctx.deps, ctx.session.userId, input.user_id)),

  unblock: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/contacts/unblock",
        tags,
        summary: "Unblock a user",
        description: "Nothing refused while blocked is delivered afterwards.",
        protect: true,
        errorResponses: [404],
      },
    })
    .input(blockInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => contacts.unblockContact(ctx.deps, ctx.session.userId, input.user_id)),

  blocked: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/contacts/blocked", tags, summary: "People you blocked", protect: true } })
    .input(z.void())
    .output(blockedListOutput)
    .query(({ ctx }) => blocks.listBlocked(ctx.deps, ctx.session.userId)),

  // After the fixed paths, so /contacts/blocked is not read as a phone number.
  rename: protectedProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/contacts/{phone_number}",
        tags,
        summary: "Rename a contact",
        protect: true,
        errorResponses: [404],
      },
    })
    .input(updateContactInput)
    .output(contactOutput)
    .mutation(({ ctx, input }) => contacts.renameContact(ctx.deps, ctx.session.userId, input)),

  remove: protectedProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/contacts/{phone_number}",
        tags,
        summary: "Remove a contact",
        protect: true,
        errorResponses: [404],
      },
    })
    .input(contactPhoneInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => contacts.removeContact(ctx.deps, ctx.session.userId, input.phone_number)),
} satisfies TRPCRouterRecord;
