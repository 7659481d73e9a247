import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";

import {
  accountKeysInput,
  accountKeysOutput,
  claimKeyPackagesInput,
  claimKeyPackagesOutput,
  deviceListOutput,
  deviceOutput,
  keyPackageCountOutput,
  messageOnlyOutput,
  publishKeyPackagesInput,
  registerDeviceInput,
  removeDeviceInput,
  sealedAccountKeyOutput,
} from "@parley/validators";

import * as devices from "../services/devices";
import { protectedProcedure } from "../trpc";

// Encrypted clients only (the SDK, the web app): no REST face, as plaintext clients have no keys.
export const deviceRouter = {
  register: protectedProcedure
    .input(registerDeviceInput)
    .output(deviceOutput)
    .mutation(({ ctx, input }) => devices.registerDevice(ctx.deps, ctx.session, input)),

  list: protectedProcedure
    .input(z.void())
    .output(deviceListOutput)
    .query(({ ctx }) => devices.listDevices(ctx.deps, ctx.session)),

  remove: protectedProcedure
    .input(removeDeviceInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => devices.removeDevice(ctx.deps, ctx.session, input.device_id)),

  publishKeyPackages: protectedProcedure
    .input(publishKeyPackagesInput)
    .output(keyPackageCountOutput)
    .mutation(({ ctx, input }) => devices.publishKeyPackages(ctx.deps, ctx.session, input)),

  keyPackageCount: protectedProcedure
    .input(z.void())
    .output(keyPackageCountOutput)
    .query(({ ctx }) => devices.keyPackageCount(ctx.deps, ctx.session)),

  claimKeyPackages: protectedProcedure
    .input(claimKeyPackagesInput)
    .output(claimKeyPackagesOutput)
    .mutation(({ ctx, input }) => devices.claimKeyPackages(ctx.deps, ctx.session, input.user_ids)),

  accountKeys: protectedProcedure
    .input(accountKeysInput)
    .output(accountKeysOutput)
    .query(({ ctx, input }) => devices.accountKeysOf(ctx.deps, ctx.session, input.user_ids)),

  sealedAccountKey: protectedProcedure
    .input(z.void())
    .output(sealedAccountKeyOutput)
    .query(({ ctx }) => devices.sealedAccountKey(ctx.deps, ctx.session)),
} satisfies TRPCRouterRecord;
