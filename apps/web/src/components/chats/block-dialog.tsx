"use client";

import { displayText } from "~/lib/display-text";

import { useChatEngine } from "./chat-engine";
import { ConfirmDialog } from "./confirm-dialog";

type BlockDialogProps = {
  peerId: number;
  peerName: string;
  onClose: () => void;
};

export function BlockDialog({ peerId, peerName, onClose }: BlockDialogProps) {
  const engine = useChatEngine();
  return (
    <ConfirmDialog
      title={`Block ${displayText(peerName)}?`}
      description="Blocked contacts can't send you messages, see when you're online or that you're typing. You can unblock them at any time."
      confirmLabel="Block"
      onConfirm={() => engine.setBlocked(peerId, true)}
      onClose={onClose}
    />
  );
}
