"use client";

import { useEffect, useState, type FormEvent } from "react";

import type { GroupSummary, PublicProfile } from "@parley/sdk";
import { updateGroupInput } from "@parley/validators";

import { Alert } from "~/components/ui/alert";
import { Avatar } from "~/components/ui/avatar";
import { Button } from "~/components/ui/button";
import { CancelAndConfirm, Dialog } from "~/components/ui/dialog";
import { ChevronDownIcon, CloseIcon, LogOutIcon, PencilIcon, PersonAddIcon, TrashIcon } from "~/components/ui/icons";
import { Menu, type MenuItem } from "~/components/ui/menu";
import { Name } from "~/components/ui/name";
import { Spinner } from "~/components/ui/spinner";
import { toApiProblem, validationMessage } from "~/lib/api-error";
import { memberCountLabel } from "~/lib/chat/group-text";
import type { GroupMember } from "~/lib/chat/state";
import { displayText } from "~/lib/display-text";
import { formatPhoneNumber } from "~/lib/phone";

import { useChatEngine, useChatState } from "./chat-engine";
import { ConfirmDialog } from "./confirm-dialog";
import { displayName } from "./display-name";
import { GroupFields, type GroupDetails } from "./group-fields";
import { headerButtonClass } from "./header-button";
import { MemberPicker } from "./member-picker";
import { PictureEditor } from "./picture-editor";

type GroupInfoPanelProps = {
  group: GroupSummary;
  selfId: number;
  onClose: () => void;
};

type Confirming = { kind: "remove"; member: GroupMember } | { kind: "leave" } | { kind: "delete" };

const noMembers: readonly GroupMember[] = [];

/** The group's name, description and members; admins manage them here, everyone can leave. */
export function GroupInfoPanel({ group, selfId, onClose }: GroupInfoPanelProps) {
  const engine = useChatEngine();
  const roster = useChatState((state) => state.rosters[group.id]);
  const members = roster ?? noMembers;
  const isAdmin = group.is_member && group.my_role === "admin";
  const groupName = displayText(group.name);
  const [isEditing, setIsEditing] = useState(false);
  const [isAdding, setIsAdding] = useState(false);
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Roles and members may have changed since the group was opened.
  useEffect(() => engine.refreshGroup(group.id), [engine, group.id]);

  async function setRole(member: GroupMember, role: GroupMember["role"]) {
    setError(null);
    try {
      await engine.setRole(group.id, member.user_id, role);
    } catch (cause) {
      setError(toApiProblem(cause).message);
    }
  }

  const memberItems = (member: GroupMember): MenuItem[] => [
    member.role === "admin"
      ? { label: "Dismiss as admin", onSelect: () => void setRole(member, "member") }
      : { label: "Make group admin", onSelect: () => void setRole(member, "admin") },
    { label: "Remove from group", tone: "danger", onSelect: () => setConfirming({ kind: "remove", member }) },
  ];

  return (
    <section aria-label="Group info" className="absolute inset-0 z-20 flex animate-fade-in flex-col bg-panel-muted">
      {/* Only catches Escape bubbling up from inside, so it is presentational: the section stays a region. */}
      <div
        role="presentation"
        onKeyDown={(event) => {
          if (event.key === "Escape" && !confirming && !isAdding) onClose();
        }}
        className="flex min-h-0 flex-1 flex-col"
      >
        <header className="flex h-16 shrink-0 items-center gap-4 border-l border-line bg-panel-muted px-3">
          <button
            type="button"
            aria-label="Close group info"
            title="Close"
            onClick={onClose}
            className={headerButtonClass}
          >
            <CloseIcon className="size-5" />
          </button>
          <h2 className="text-[17px] font-medium text-ink">Group info</h2>
        </header>
        <div className="flex-1 space-y-2.5 overflow-y-auto pb-6">
          <div className="flex flex-col items-center bg-panel px-6 pt-7 pb-5 text-center">
            {isAdmin ? (
              <PictureEditor
                name={group.name}
                seed={`group:${group.id}`}
                mediaId={group.picture_media_id}
                purpose="group_picture"
                label="group picture"
                avatarClassName="size-24 text-3xl"
                onSave={(mediaId) => engine.updateGroup(group.id, { picture_media_id: mediaId })}
              />
            ) : (
              <Avatar
                name={group.name}
                seed={`group:${group.id}`}
                mediaId={group.picture_media_id}
                className="size-24 text-3xl"
              />
            )}
            {isEditing ? (
              <EditGroupForm group={group} onDone={() => setIsEditing(false)} />
            ) : (
              <>
                <p className="mt-4 text-[22px] leading-7 text-ink">
                  <Name>{groupName}</Name>
                </p>
                <p className="mt-1 text-sm text-ink-faint">Group · {memberCountLabel(group.member_count)}</p>
                {group.description && (
                  <p className="mt-3 max-w-full text-sm leading-5 break-words whitespace-pre-wrap text-ink-muted">
                    {group.description}
                  </p>
                )}
                {isAdmin && (
                  <button
                    type="button"
                    onClick={() => setIsEditing(true)}
                    className="mt-3 inline-flex cursor-pointer items-center gap-1.5 text-sm font-medium text-accent-strong hover:underline"
                  >
                    <PencilIcon className="size-4" />
                    Edit name and description
                  </button>
                )}
              </>
            )}
          </div>

          <div className="bg-panel py-3">
            <h3 className="px-6 pb-2 text-sm text-ink-faint">
              {group.is_member ? memberCountLabel(members.length) : "You're no longer a member of this group."}
            </h3>
            {error && <Alert className="mx-4 mb-2">{error}</Alert>}
            {isAdmin && (
              <button
                type="button"
                onClick={() => setIsAdding(true)}
                className="flex w-full cursor-pointer items-center gap-3 px-6 py-2.5 text-left text-[15px] text-ink hover:bg-panel-hover"
              >
                <span className="inline-flex size-10 items-center justify-center rounded-full bg-accent text-accent-ink">
                  <PersonAddIcon className="size-5" />
                </span>
                Add members
              </button>
            )}
            {group.is_member && roster === undefined && (
              <div className="flex justify-center py-4 text-ink-faint">
                <Spinner className="size-5" />
                <span className="sr-only">Loading members</span>
              </div>
            )}
            <ul aria-label="Members">
              {members.map((member) => {
                const isSelf = member.user_id === selfId;
                const name = isSelf ? "You" : displayName(member.profile);
                return (
                  <li key={member.user_id} data-testid="member" className="flex items-center gap-3 px-6 py-2.5">
                    <Avatar
                      name={isSelf ? member.profile.full_name : name}
                      seed={member.profile.phone_number}
                      mediaId={member.profile.profile_picture_media_id}
                    />
                    <span className="min-w-0 flex-1">
                      <span className="block truncate text-[15px] text-ink">
                        <Name>{name}</Name>
                      </span>
                      <span className="block truncate text-[13px] text-ink-faint">
                        {member.profile.status_message ?? formatPhoneNumber(member.profile.phone_number)}
                      </span>
                    </span>
                    {member.role === "admin" && (
                      <span className="shrink-0 rounded bg-accent-soft px-1.5 py-0.5 text-xs font-medium text-accent-strong">
                        Group admin
                      </span>
                    )}
                    {isAdmin && !isSelf && (
                      <Menu
                        label={`Options for ${name}`}
                        menuLabel={name}
                        width={220}
                        items={memberItems(member)}
                        buttonClassName="inline-flex size-8 shrink-0 cursor-pointer items-center justify-center rounded-full text-ink-faint hover:bg-panel-hover hover:text-ink"
                      >
                        <ChevronDownIcon className="size-4" />
                      </Menu>
                    )}
                  </li>
                );
              })}
            </ul>
          </div>

          {group.is_member && (
            <div className="bg-panel py-2">
              <button
                type="button"
                onClick={() => setConfirming({ kind: "leave" })}
                className="flex w-full cursor-pointer items-center gap-4 px-6 py-3 text-left text-[15px] text-danger hover:bg-panel-hover"
              >
                <LogOutIcon className="size-5" />
                Exit group
              </button>
              {isAdmin && (
                <button
                  type="button"
                  onClick={() => setConfirming({ kind: "delete" })}
                  className="flex w-full cursor-pointer items-center gap-4 px-6 py-3 text-left text-[15px] text-danger hover:bg-panel-hover"
                >
                  <TrashIcon className="size-5" />
                  Delete group
                </button>
              )}
            </div>
          )}
        </div>

        {isAdding && (
          <AddMembersDialog
            groupId={group.id}
            memberIds={members.map((member) => member.user_id)}
            onClose={() => setIsAdding(false)}
          />
        )}
        {confirming?.kind === "remove" && (
          <ConfirmDialog
            title={`Remove ${displayName(confirming.member.profile)}?`}
            description={`They will no longer get messages from ${groupName}.`}
            confirmLabel="Remove"
            onConfirm={() => engine.removeMember(group.id, confirming.member.user_id)}
            onClose={() => setConfirming(null)}
          />
        )}
        {confirming?.kind === "leave" && (
          <ConfirmDialog
            title={`Exit ${groupName}?`}
            description="You will no longer get its messages. What was said until now stays here."
            confirmLabel="Exit group"
            onConfirm={() => engine.leaveGroup(group.id)}
            onClose={() => setConfirming(null)}
          />
        )}
        {confirming?.kind === "delete" && (
          <ConfirmDialog
            title={`Delete ${groupName}?`}
            description="The group and its messages will be gone for every member. This can't be undone."
            confirmLabel="Delete group"
            onConfirm={() => engine.deleteGroup(group.id)}
            onClose={() => setConfirming(null)}
          />
        )}
      </div>
    </section>
  );
}

function EditGroupForm({ group, onDone }: { group: GroupSummary; onDone: () => void }) {
  const engine = useChatEngine();
  const [details, setDetails] = useState<GroupDetails>({ name: group.name, description: group.description ?? "" });
  const [fieldErrors, setFieldErrors] = useState<{ name?: string; description?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [isSaving, setIsSaving] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const { shape } = updateGroupInput;
    const errors = {
      name: validationMessage(shape.name, details.name),
      description: validationMessage(shape.description, details.description),
    };
    setFieldErrors(errors);
    if (errors.name || errors.description) return;
    setIsSaving(true);
    try {
      await engine.updateGroup(group.id, {
        name: details.name.trim(),
        description: details.description.trim() || null,
      });
      onDone();
    } catch (cause) {
      const problem = toApiProblem(cause);
      setFieldErrors({ name: problem.fieldErrors.name, description: problem.fieldErrors.description });
      setError(problem.message);
      setIsSaving(false);
    }
  }

  return (
    <form
      onSubmit={(event) => void handleSubmit(event)}
      noValidate
      aria-label="Edit group"
      className="mt-5 w-full space-y-4 text-left"
    >
      <GroupFields details={details} onChange={setDetails} errors={fieldErrors} descriptionLabel="Description" />
      {error && <Alert>{error}</Alert>}
      <div className="flex gap-3">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" pending={isSaving}>
          Save
        </Button>
      </div>
    </form>
  );
}

function AddMembersDialog({
  groupId,
  memberIds,
  onClose,
}: {
  groupId: number;
  memberIds: number[];
  onClose: () => void;
}) {
  const engine = useChatEngine();
  const [selected, setSelected] = useState<PublicProfile[]>([]);
  const [isPending, setIsPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function add() {
    setIsPending(true);
    setError(null);
    try {
      await engine.addMembers(
        groupId,
        selected.map((profile) => profile.id),
      );
      onClose();
    } catch (cause) {
      setError(toApiProblem(cause).message);
      setIsPending(false);
    }
  }

  return (
    <Dialog
      title="Add members"
      onClose={onClose}
      actions={
        <CancelAndConfirm
          label="Add"
          onCancel={onClose}
          onConfirm={() => void add()}
          isPending={isPending}
          isDisabled={selected.length === 0}
        />
      }
    >
      <div className="mt-4 max-h-[60vh] overflow-y-auto">
        <MemberPicker selected={selected} onChange={setSelected} excludedIds={memberIds} />
      </div>
      {error && <Alert className="mt-4">{error}</Alert>}
    </Dialog>
  );
}
