"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import QRCode from "qrcode";
import { useEffect, useId, useMemo, useState, useSyncExternalStore } from "react";

import { PanelSection, SidePanel } from "~/components/chats/side-panel";
import { Alert } from "~/components/ui/alert";
import { Dialog, dialogButtonClass } from "~/components/ui/dialog";
import { LockIcon } from "~/components/ui/icons";
import { Spinner } from "~/components/ui/spinner";
import { toApiProblem } from "~/lib/api-error";
import { formatLastSeen } from "~/lib/chat/format";
import { isEncryptedChat, type ConversationKey } from "~/lib/chat/state";
import type { EncryptionStatus } from "~/lib/chat/engine/encryption";
import { useTRPC } from "~/trpc/react";

import { useChatEngine, useChatState } from "./chat-engine";

/** Where this browser is with end-to-end encryption. */
export function useEncryptionStatus(): EncryptionStatus {
  const { encryption } = useChatEngine();
  return useSyncExternalStore(encryption.subscribe, encryption.getStatus, encryption.getStatus);
}

/**
 * What the person must see about this device's encryption, over everything: the recovery key
 * once, the restore step on a browser new to the account, and why encryption failed.
 */
export function EncryptionDialogs() {
  const status = useEncryptionStatus();
  if (status.state === "ready" && status.recoveryKey) return <RecoveryKeyDialog recoveryKey={status.recoveryKey} />;
  if (status.state === "needs_recovery_key") return <RestoreStep error={status.error} />;
  if (status.state === "failed") {
    return (
      <Alert className="m-3">
        End-to-end encryption couldn&rsquo;t start on this device: {status.error} Reload the page to try again.
      </Alert>
    );
  }
  return null;
}

function RecoveryKeyDialog({ recoveryKey }: { recoveryKey: string }) {
  const { encryption } = useChatEngine();
  const [isCopied, setIsCopied] = useState(false);
  return (
    <Dialog
      title="Your recovery key"
      description="Your chats are end-to-end encrypted. Write this key down and keep it somewhere safe: it is the only way to read your chats on a new device when no other one is signed in. It is shown only this once, and Parley can't recover it for you."
      onClose={() => {}}
      actions={
        <>
          <button
            type="button"
            className={dialogButtonClass()}
            onClick={() => void navigator.clipboard?.writeText(recoveryKey).then(() => setIsCopied(true))}
          >
            {isCopied ? "Copied" : "Copy"}
          </button>
          <button
            type="button"
            className={dialogButtonClass("primary")}
            onClick={() => encryption.dismissRecoveryKey()}
          >
            I&rsquo;ve saved it
          </button>
        </>
      }
    >
      <p
        data-testid="recovery-key"
        className="mt-4 rounded-lg bg-panel-muted px-4 py-3 text-center font-mono text-[15px] leading-7 tracking-wide text-ink select-all"
      >
        {recoveryKey}
      </p>
    </Dialog>
  );
}

/** The restore dialog, which can wait ("Not now"): a banner over the chat list brings it back. */
function RestoreStep({ error }: { error: string | null }) {
  const [isOpen, setIsOpen] = useState(true);
  if (isOpen) return <RestoreDialog error={error} onLater={() => setIsOpen(false)} />;
  return (
    <div
      role="alert"
      className="m-3 flex items-center gap-3 rounded-lg bg-warn-soft px-4 py-3 text-[13px] text-warn-ink"
    >
      <LockIcon className="size-4 shrink-0" />
      <p className="flex-1">Encrypted chats can&rsquo;t be read or written on this device until you restore them.</p>
      <button type="button" className="font-medium underline" onClick={() => setIsOpen(true)}>
        Restore
      </button>
    </div>
  );
}

function RestoreDialog({ error, onLater }: { error: string | null; onLater: () => void }) {
  const { encryption } = useChatEngine();
  const [key, setKey] = useState("");
  const [isPending, setIsPending] = useState(false);
  const inputId = useId();
  return (
    <Dialog
      title="Restore your encrypted chats"
      description="Your account's end-to-end encryption is set up on another device. Enter the recovery key you were shown there to read and send encrypted messages here."
      onClose={onLater}
      actions={
        <>
          <button type="button" className={dialogButtonClass()} onClick={onLater}>
            Not now
          </button>
          <button
            type="button"
            className={dialogButtonClass("primary")}
            disabled={isPending || key.trim() === ""}
            onClick={() => {
              setIsPending(true);
              void encryption.restore(key).finally(() => setIsPending(false));
            }}
          >
            {isPending && <Spinner className="size-4" />}
            Restore
          </button>
        </>
      }
    >
      <label htmlFor={inputId} className="mt-4 block text-sm text-ink-muted">
        Recovery key
      </label>
      <input
        id={inputId}
        value={key}
        onChange={(event) => setKey(event.target.value)}
        autoComplete="off"
        spellCheck={false}
        className="mt-1 w-full rounded-lg border border-field-line bg-transparent px-3 py-2 font-mono text-sm text-ink"
        placeholder="XXXX-XXXX-…"
      />
      {error && <Alert className="mt-4">{error}</Alert>}
    </Dialog>
  );
}

/** At the top of a conversation: whether what is said here is end-to-end encrypted. */
export function EncryptionNote({ conversationKey }: { conversationKey: ConversationKey }) {
  const isEncrypted = useChatState((state) => isEncryptedChat(state.chats[conversationKey]));
  if (isEncrypted === null) return null;
  return (
    <p
      role="note"
      data-testid="encryption-note"
      className="mx-auto mt-3 flex max-w-[85%] items-start gap-1.5 rounded-lg bg-warn-soft px-3 py-1.5 text-center text-xs leading-4 text-warn-ink shadow-sm"
    >
      {isEncrypted && <LockIcon className="mt-px size-3.5 shrink-0" />}
      {isEncrypted
        ? "Messages are end-to-end encrypted. No one outside this chat, not even Parley, can read them. Files are not encrypted yet."
        : "This chat is not end-to-end encrypted: Parley's server can read its messages."}
    </p>
  );
}

/** A QR code drawn as SVG squares (no image URL, so the page's CSP stays as it is). */
function QrCode({ payload, label }: { payload: Uint8Array; label: string }) {
  const modules = useMemo(
    () => QRCode.create([{ data: payload, mode: "byte" }], { errorCorrectionLevel: "M" }).modules,
    [payload],
  );
  const size = modules.size;
  const cells: string[] = [];
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      if (modules.get(row, column)) cells.push(`M${column + 2} ${row + 2}h1v1h-1z`);
    }
  }
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${size + 4} ${size + 4}`}
      className="mx-auto mt-4 size-44 bg-white"
    >
      <path d={cells.join("")} fill="#111b21" />
    </svg>
  );
}

type SafetyNumberDialogProps = { peerId: number; peerName: string; onClose: () => void };

/** The 60 digits (and QR code) both people compare, and marking the contact verified. */
export function SafetyNumberDialog({ peerId, peerName, onClose }: SafetyNumberDialogProps) {
  const { encryption } = useChatEngine();
  const status = useEncryptionStatus();
  const hasChanged = status.state === "ready" && status.identityChanged.includes(peerId);
  const [shown, setShown] = useState<Awaited<ReturnType<typeof encryption.safetyNumber>> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let isCurrent = true;
    encryption.safetyNumber(peerId).then(
      (found) => isCurrent && setShown(found),
      (cause: unknown) => isCurrent && setError(toApiProblem(cause).message),
    );
    return () => {
      isCurrent = false;
    };
  }, [encryption, peerId, version]);

  const run = (work: () => Promise<void>) =>
    void work().then(
      () => setVersion((value) => value + 1),
      (cause: unknown) => setError(toApiProblem(cause).message),
    );

  return (
    <Dialog
      title="Security code"
      description={`Compare these numbers with ${peerName}'s, on their phone or in person, or scan their code. If they match, your messages to each other are end-to-end encrypted with no one in between.`}
      onClose={onClose}
      actions={
        <>
          <button type="button" className={dialogButtonClass()} onClick={onClose}>
            Close
          </button>
          {hasChanged ? (
            <button
              type="button"
              className={dialogButtonClass("primary")}
              onClick={() => run(() => encryption.acceptIdentity(peerId))}
            >
              Accept the new code
            </button>
          ) : (
            shown?.number &&
            !shown.isVerified && (
              <button
                type="button"
                className={dialogButtonClass("primary")}
                onClick={() => run(() => encryption.markVerified(peerId))}
              >
                Mark as verified
              </button>
            )
          )}
        </>
      }
    >
      {error && <Alert className="mt-4">{error}</Alert>}
      {hasChanged && (
        <Alert className="mt-4">
          {peerName}&rsquo;s security code changed. Their messages wait until you accept the new code: check it with
          them first.
        </Alert>
      )}
      {shown === null && !error && (
        <div className="flex justify-center py-6 text-ink-faint">
          <Spinner className="size-5" />
        </div>
      )}
      {shown && !shown.number && (
        <p className="mt-4 text-sm text-ink-muted">
          You haven&rsquo;t exchanged encrypted messages with {peerName} yet, so there is no code to compare.
        </p>
      )}
      {shown?.number && (
        <>
          <QrCode payload={shown.number.qrPayload} label={`Security code with ${peerName} as a QR code`} />
          <p
            data-testid="safety-number"
            className="mx-auto mt-4 grid max-w-[18rem] grid-cols-4 gap-x-4 gap-y-1 text-center font-mono text-[15px] text-ink"
          >
            {shown.number.groups.map((group, index) => (
              <span key={index}>{group}</span>
            ))}
          </p>
          {shown.isVerified && !hasChanged && (
            <p className="mt-4 text-center text-sm font-medium text-accent-strong">Verified</p>
          )}
        </>
      )}
    </Dialog>
  );
}

/** Over a 1:1 chat whose person's identity key changed: say so, and lead to the security code. */
export function IdentityChangedBar({
  peerId,
  peerName,
  onVerify,
}: {
  peerId: number;
  peerName: string;
  onVerify: () => void;
}) {
  const { encryption } = useChatEngine();
  useEffect(() => void encryption.checkIdentity(peerId), [encryption, peerId]);
  const status = useEncryptionStatus();
  if (status.state !== "ready" || !status.identityChanged.includes(peerId)) return null;
  return (
    <div role="alert" className="flex items-center gap-3 bg-warn-soft px-4 py-2 text-[13px] text-warn-ink">
      <LockIcon className="size-4 shrink-0" />
      <p className="flex-1">
        {peerName}&rsquo;s security code changed: they may have a new phone, or someone may be in between.
      </p>
      <button type="button" className="font-medium underline" onClick={onVerify}>
        Check it
      </button>
    </div>
  );
}

/** The account's devices (each a login that holds its own keys): when each was last active, and unlinking. */
export function LinkedDevicesPanel({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const devices = useQuery(trpc.device.list.queryOptions());
  const remove = useMutation(
    trpc.device.remove.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.device.list.queryFilter()),
    }),
  );
  const now = new Date();
  return (
    <SidePanel title="Linked devices" onClose={onClose}>
      {devices.isError && <Alert className="m-4">{toApiProblem(devices.error).message}</Alert>}
      {remove.isError && <Alert className="m-4">{toApiProblem(remove.error).message}</Alert>}
      <PanelSection title="Devices that can read your encrypted chats">
        {devices.isPending && (
          <div className="flex justify-center py-6 text-ink-faint">
            <Spinner className="size-5" />
          </div>
        )}
        <ul aria-label="Linked devices">
          {devices.data?.devices.map((device) => (
            <li key={device.id} className="flex items-center gap-3 px-6 py-3">
              <div className="min-w-0 flex-1">
                <p className="truncate text-[15px] text-ink">
                  {device.name}
                  {device.is_current && <span className="text-ink-faint"> · This device</span>}
                </p>
                <p className="text-[13px] text-ink-faint">
                  {device.is_current ? "Active now" : (formatLastSeen(device.last_active_at, now) ?? "")}
                </p>
              </div>
              {!device.is_current && (
                <button
                  type="button"
                  className={dialogButtonClass("danger")}
                  disabled={remove.isPending}
                  onClick={() => remove.mutate({ device_id: device.id })}
                >
                  Unlink
                </button>
              )}
            </li>
          ))}
        </ul>
        <p className="px-6 pt-1 pb-4 text-[13px] leading-5 text-ink-faint">
          An unlinked device is taken out of every encrypted chat and can&rsquo;t read what is said after.
        </p>
      </PanelSection>
    </SidePanel>
  );
}
