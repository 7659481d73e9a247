import type { GroupOutput, GroupRole } from "@parley/sdk";

import { toApiProblem } from "~/lib/api-error";

import { groupKey, type ConversationKey } from "../state";
import type { ChatContext } from "./context";

type GroupChanges = { name?: string; description?: string | null; picture_media_id?: string | null };

type GroupsDeps = {
  onLeft: (groupId: number, reason: "left" | "deleted") => void;
  /** A new group is encrypted before its first message (when everyone in it has a device). */
  encryptGroup: (groupId: number) => Promise<void>;
  /** Members came or went: commit their devices in or out of the encrypted group now. */
  syncDevices: (groupId: number) => Promise<void>;
};

/** Groups: fetching one with its roster, and the admin's requests. */
export class Groups {
  readonly #ctx: ChatContext;
  readonly #deps: GroupsDeps;
  readonly #loading = new Set<number>();

  constructor(ctx: ChatContext, deps: GroupsDeps) {
    this.#ctx = ctx;
    this.#deps = deps;
  }

  /** The group with its roster; a group that is gone (deleted, never ours) leaves the list. */
  async fetchGroup(groupId: number): Promise<GroupOutput> {
    try {
      const group = await this.#ctx.api().group.get.query({ group_id: groupId });
      this.#ctx.dispatch({ type: "group_loaded", group });
      return group;
    } catch (error) {
      if (toApiProblem(error).code === "NOT_FOUND")
        this.#ctx.dispatch({ type: "conversation_gone", key: groupKey(groupId) });
      throw error;
    }
  }

  /** fetchGroup once at a time per group, its failure kept quiet. */
  async loadGroup(groupId: number) {
    if (this.#loading.has(groupId)) return;
    this.#loading.add(groupId);
    try {
      await this.fetchGroup(groupId);
    } catch {
      // The group keeps what it showed; the next event or chat list refresh tries again.
    } finally {
      this.#loading.delete(groupId);
    }
  }

  /** Makes a group with us as its admin; returns where to open it. */
  async createGroup(input: { name: string; description: string; memberIds: number[] }): Promise<ConversationKey> {
    const group = await this.#ctx.api().group.create.mutate({
      name: input.name,
      ...(input.description ? { description: input.description } : {}),
      member_ids: input.memberIds,
    });
    this.#ctx.dispatch({ type: "group_loaded", group });
    await this.#deps.encryptGroup(group.id);
    await this.fetchGroup(group.id);
    return groupKey(group.id);
  }

  async updateGroup(groupId: number, changes: GroupChanges) {
    const group = await this.#ctx.api().group.update.mutate({ group_id: groupId, ...changes });
    this.#ctx.dispatch({ type: "group_loaded", group });
  }

  async addMembers(groupId: number, userIds: number[]) {
    const group = await this.#ctx.api().group.addMembers.mutate({ group_id: groupId, user_ids: userIds });
    this.#ctx.dispatch({ type: "group_loaded", group });
    await this.#deps.syncDevices(groupId);
  }

  async removeMember(groupId: number, userId: number) {
    await this.#ctx.api().group.removeMember.mutate({ group_id: groupId, user_id: userId });
    await this.fetchGroup(groupId);
    await this.#deps.syncDevices(groupId);
  }

  async setRole(groupId: number, userId: number, role: GroupRole) {
    const group = await this.#ctx.api().group.setRole.mutate({ group_id: groupId, user_id: userId, role });
    this.#ctx.dispatch({ type: "group_loaded", group });
  }

  async leaveGroup(groupId: number) {
    await this.#ctx.api().group.leave.mutate({ group_id: groupId });
    this.#deps.onLeft(groupId, "left");
  }

  async deleteGroup(groupId: number) {
    await this.#ctx.api().group.delete.mutate({ group_id: groupId });
    this.#deps.onLeft(groupId, "deleted");
  }
}
